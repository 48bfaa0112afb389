import { Controller, Get, Module } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TelemetryInterval } from '../../lib';

@Controller()
class PingController {
  @Get('ping')
  ping(): { pong: number } {
    return { pong: TelemetryInterval.OneHour };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

describe('toolchain', () => {
  it('boots Nest 12 on Fastify under jest and answers over HTTP', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PingModule] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.listen(0, '127.0.0.1');
    const res = await fetch(`${await app.getUrl()}/ping`);
    expect(await res.json()).toEqual({ pong: 3600 });
    await app.close();
  });
});
