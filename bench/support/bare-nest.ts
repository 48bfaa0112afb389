/**
 * A reference of the tracking benchmark between bare Fastify and the receiver: a Nest application
 * on the Fastify adapter with one `@Post` route that takes the parsed JSON body and answers 202
 * with the receiver's envelope — no guards, pipes, filters or interceptors. Its distance to bare
 * Fastify is what Nest itself costs per request; the receiver's distance to it is ours. Prints its
 * URL.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller('api/track')
class PageviewController {
  @Post('pageview.php')
  @HttpCode(202)
  pageview(@Body() body: { url?: string }): object {
    if (!body?.url) return { success: false, message: 'bad' };
    return { success: true, message: 'OK', data: { queued: true } };
  }
}

@Module({ controllers: [PageviewController] })
class BareNestModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    BareNestModule,
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
}

void main();
