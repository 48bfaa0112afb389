import { Controller, type INestApplication, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxyFactory,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
  type ClientProxy,
} from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { TelemetryModule, type TelemetryErrorsOptions } from '../../lib';
import type { AdapterName } from '../support/receiver-app';
import { freePort } from '../support/free-port';

/** Message handlers of a TCP microservice: one fails, one answers with an `RpcException`, one works. */
@Controller()
export class OrdersRpc {
  @MessagePattern({ cmd: 'orders.find' })
  find(@Payload() data: { id: number }): never {
    throw new Error(`rpc order lookup failed`);
    void data;
  }

  @MessagePattern('orders.refuse')
  refuse(): never {
    throw new RpcException({ code: 'NOT_YOURS', message: 'not your order' });
  }

  @MessagePattern('orders.count')
  count(@Payload() data: { n: number }): { count: number } {
    return { count: data.n * 2 };
  }
}

/** Handlers of a WebSocket gateway (the `ws` adapter): the same three cases. */
@WebSocketGateway({ path: '/live' })
export class LiveGateway {
  @SubscribeMessage('orders:subscribe')
  subscribe(@MessageBody() data: unknown): never {
    throw new Error('ws subscribe failed');
    void data;
  }

  @SubscribeMessage('orders:refuse')
  refuse(): never {
    throw new WsException('not allowed');
  }

  @SubscribeMessage('ping')
  ping(@MessageBody() data: number): { event: string; data: number } {
    return { event: 'pong', data: data + 1 };
  }
}

const telemetry = (errors?: TelemetryErrorsOptions) =>
  TelemetryModule.forRoot({ store: 'memory', flagsPollInterval: 0, reportInterval: 3600, errors });

export interface RpcApp {
  service: INestMicroservice;
  client: ClientProxy;
  /** The answer to `pattern`, or the error the caller receives. */
  call(pattern: unknown, data: unknown): Promise<{ ok: unknown } | { error: unknown }>;
  close(): Promise<void>;
}

/** A standalone TCP microservice importing `TelemetryModule` (capture on when `errors` is given). */
export async function createRpcApp(errors?: TelemetryErrorsOptions): Promise<RpcApp> {
  @Module({ imports: [telemetry(errors)], controllers: [OrdersRpc] })
  class RpcAppModule {}

  const port = await freePort();
  const service = await NestFactory.createMicroservice(RpcAppModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
    logger: false,
  });
  await service.listen();
  const client = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
  });
  await client.connect();
  return {
    service,
    client,
    call: (pattern, data) =>
      firstValueFrom(client.send(pattern, data)).then(
        (ok: unknown) => ({ ok }),
        (error: unknown) => ({ error }),
      ),
    close: async () => {
      await client.close();
      await service.close();
    },
  };
}

export interface WsApp {
  app: INestApplication;
  /** Sends one message on a new connection and resolves with the first message back. */
  exchange(event: string, data: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** An HTTP app (Express or Fastify) with a `ws` gateway, importing `TelemetryModule`. */
export async function createWsApp(
  adapter: AdapterName,
  errors?: TelemetryErrorsOptions,
): Promise<WsApp> {
  @Module({ imports: [telemetry(errors)], providers: [LiveGateway] })
  class WsAppModule {}

  const app = await NestFactory.create(
    WsAppModule,
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const exchange = (event: string, data: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/live`);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no answer to ${event}`));
      }, 5_000);
      socket.on('error', reject);
      socket.on('open', () => socket.send(JSON.stringify({ event, data })));
      socket.on('message', (raw: WebSocket.RawData) => {
        clearTimeout(timer);
        socket.close();
        resolve(JSON.parse(raw.toString()));
      });
    });
  return { app, exchange, close: () => app.close() };
}
