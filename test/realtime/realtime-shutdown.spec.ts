import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { openEventStream, openWebSocket } from './realtime-clients';

/**
 * A receiver stopping (SIGTERM: a deploy, systemd) ends its realtime clients' streams and exits.
 * The HTTP server waits for its connections when it closes, and an event stream never ends by
 * itself: a receiver with one SSE client connected did not stop.
 */
describe('realtime clients at shutdown', () => {
  let dir: string;
  let receiver: ReceiverProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'realtime-shutdown-'));
  });

  afterAll(async () => {
    await receiver?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends every SSE and WebSocket client and exits on SIGTERM', async () => {
    receiver = await startReceiverProcess(join(dir, 'receiver.sqlite'), {
      RECEIVER_REALTIME: 'true',
    });
    const headers = { 'X-API-Key': receiver.info.secretKey };
    const sse = await openEventStream(receiver.info.url, { headers });
    const ws = await openWebSocket(receiver.info.url, { headers });
    await sse.next((m) => m.channel === 'hello');
    await ws.next((m) => m.channel === 'hello');
    const wsClosed = new Promise<number>((resolve) =>
      ws.socket.once('close', (code: number) => resolve(code)),
    );

    receiver.child.kill('SIGTERM');

    expect(await receiver.exited).toBe('SIGTERM');
    await sse.ended;
    expect(await wsClosed).toBe(1001); // "going away", the server shutting down
  }, 30_000);
});
