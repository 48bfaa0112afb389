/**
 * The baseline of the tracking benchmark: a bare Fastify server with one POST route that parses
 * the JSON body and answers 202 with the receiver's envelope. Prints its URL.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify();
  app.post('/api/track/pageview.php', async (request, reply) => {
    const body = request.body as { url?: string };
    if (!body?.url) return reply.code(400).send({ success: false, message: 'bad' });
    return reply.code(202).send({ success: true, message: 'OK', data: { queued: true } });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }) + '\n');
}

void main();
