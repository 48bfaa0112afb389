import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket, WebSocketServer } from 'ws';
import { loadPackage } from '../../lib/packages/peer-packages';
import { queryParam, requestPath } from '../common/request/receiver-request';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { parseChannels } from './realtime-channels';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeHub } from './realtime.hub';
import { RealtimeMessages } from './realtime.messages';

/** Largest frame a client may send (clients only listen; this bounds what a peer can make us buffer). */
const MAX_CLIENT_FRAME = 4096;
/** A client that does not answer a ping within this interval is dropped. */
const PING_MS = 30_000;

/**
 * The WebSocket endpoint (`realtime.path`), attached to the HTTP server's `upgrade` event with
 * `ws` in no-server mode — the way `@nestjs/platform-ws` does it, but without taking the
 * application's one WebSocket adapter, so it works the same on Express and Fastify and beside the
 * host's own gateways (socket.io or ws). Upgrades to other paths are left to other listeners.
 * Credentials are checked before the handshake completes: a refused client gets a plain HTTP 401.
 */
@Injectable()
export class RealtimeWebSocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private wss: WebSocketServer | undefined;
  private server: Server | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: RealtimeAuthenticator,
    private readonly hub: RealtimeHub,
  ) {}

  onApplicationBootstrap(): void {
    // A CLI or worker process has no HTTP server: it only publishes.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!this.options.realtime.enabled || !server) return;
    const ws = loadPackage<typeof import('ws')>('ws', 'realtime.enabled (WebSocket feeds)');
    this.wss = new ws.WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME });
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.pinger = setInterval(() => this.ping(), PING_MS).unref();
    this.logger.log(RealtimeMessages.listening(this.options.realtime.path));
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    if (this.pinger) clearInterval(this.pinger);
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    this.wss = undefined;
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (requestPath(request) !== this.options.realtime.path) {
      // Somebody else's endpoint; with no one else listening, nobody would ever answer it.
      if (this.server && this.server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    this.accept(request, socket, head).catch(() => refuse(socket, 503, 'Service Unavailable'));
  };

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const wss = this.wss;
    if (!wss) return refuse(socket, 503, 'Service Unavailable');
    const channels = parseChannels(queryParam(request, 'channels'));
    if (!(channels instanceof Set))
      return refuse(socket, 400, 'Bad Request', RealtimeMessages.unknownChannel(channels.unknown));
    if (!this.hub.hasRoom())
      return refuse(socket, 503, 'Service Unavailable', RealtimeMessages.tooManyClients);
    const result = await this.auth.authenticate(request);
    if ('refused' in result) {
      const text =
        result.refused === 'missing'
          ? RealtimeMessages.unauthorized
          : RealtimeMessages.invalidCredentials;
      return refuse(socket, 401, 'Unauthorized', text);
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      this.alive.add(client);
      client.on('pong', () => this.alive.add(client));
      const { disconnect } = this.hub.connect(result.projectId, channels, {
        bufferedBytes: () => client.bufferedAmount,
        send: (frame) => client.send(frame.webSocket, { binary: false }),
        close: () => client.close(1001, 'server shutting down'),
      });
      client.on('close', disconnect);
      client.on('error', disconnect);
      // Clients only listen: whatever they send is ignored.
    });
  }

  private ping(): void {
    for (const client of this.wss?.clients ?? []) {
      if (!this.alive.has(client)) {
        client.terminate();
        continue;
      }
      this.alive.delete(client);
      client.ping();
    }
  }
}

/** Ends a refused upgrade with a plain HTTP answer (no WebSocket was opened). */
function refuse(socket: Duplex, status: number, reason: string, text = reason): void {
  const body = JSON.stringify({ success: false, message: text });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
