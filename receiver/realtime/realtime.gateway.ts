import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import type { WebSocket, WebSocketServer } from 'ws';
import { assertPackages, loadOptionalPackage } from '../../lib/packages/peer-packages';
import { queryParam } from '../common/request/receiver-request';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import type { RealtimeChannel } from './interfaces/realtime.interfaces';
import { parseChannels } from './realtime-channels';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeHub } from './realtime.hub';
import { RealtimeMessages } from './realtime.messages';
import { defaultWsAdapter } from './realtime-ws.adapter';

/** Largest frame a client may send (clients only listen; this bounds what a peer can make us buffer). */
const MAX_CLIENT_FRAME = 4096;
/** A client that does not answer a ping within this interval is dropped. */
const PING_MS = 30_000;
const FEATURE = 'realtime.enabled (the WebSocket endpoint)';

/** Whether a client may open the feed, and if not the HTTP status and text it is refused with. */
type Admission =
  | { projectId: number; channels: ReadonlySet<RealtimeChannel> }
  | { status: 400 | 401 | 503; message: string };

type VerifyDone = (
  verified: boolean,
  code?: number,
  message?: string,
  headers?: OutgoingHttpHeaders,
) => void;

/**
 * The WebSocket endpoint (`realtime.path`), a `@nestjs/websockets` gateway on the application's
 * WebSocket adapter — `@nestjs/platform-ws`'s `WsAdapter`, installed by the receiver when the
 * application set none (see `declare`). Credentials, channels and room are checked during the
 * handshake (`verifyClient`): a refused client gets a plain HTTP 400/401/503 and no socket. An
 * adapter that does not pass `verifyClient` on to `ws` still gets them checked, in
 * `handleConnection`, and the refused socket is closed with 4400/4401/4503 and the reason.
 *
 * The gateway is declared at run time, on the class {@link realtimeGatewayProvider} makes for one
 * `ReceiverModule.forRoot`, and only when realtime is enabled and its packages are installed: the
 * path comes from the (possibly async) options, and an application without realtime must not be
 * given a gateway, which would make Nest look for a WebSocket adapter it does not have.
 */
@Injectable()
export class RealtimeGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    OnGatewayDisconnect<WebSocket>,
    OnApplicationBootstrap,
    OnApplicationShutdown
{
  private readonly logger = new Logger('Realtime');
  /** Admissions decided during the handshake, for `handleConnection` to pick up. */
  private readonly admitted = new WeakMap<IncomingMessage, Admission>();
  private readonly disconnects = new WeakMap<WebSocket, () => void>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly declared: boolean;
  private server: WebSocketServer | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly adapterHost: HttpAdapterHost,
    config: ApplicationConfig,
    private readonly auth: RealtimeAuthenticator,
    private readonly hub: RealtimeHub,
  ) {
    this.declared = options.realtime.enabled && this.declare(config);
  }

  /**
   * Makes this class a gateway at `realtime.path`, and gives the application a `WsAdapter` when
   * it has no WebSocket adapter yet. Runs while Nest creates the providers, before `main.ts` can
   * call `app.useWebSocketAdapter()`, so the application's own choice still wins. Without
   * `@nestjs/platform-socket.io` installed, Nest's default (socket.io) would end the process; with
   * it installed the host may rely on that default for its own gateways, so the receiver leaves it
   * alone and {@link onApplicationBootstrap} explains what to change.
   */
  private declare(config: ApplicationConfig): boolean {
    const websockets =
      loadOptionalPackage<typeof import('@nestjs/websockets')>('@nestjs/websockets');
    const platform =
      loadOptionalPackage<typeof import('@nestjs/platform-ws')>('@nestjs/platform-ws');
    // An HTTP application without them is told at bootstrap; a worker or CLI only publishes.
    if (!websockets || !platform) return false;
    if (this.constructor === RealtimeGateway) throw new Error('Use realtimeGatewayProvider()');
    websockets.WebSocketGateway({
      path: this.options.realtime.path,
      maxPayload: MAX_CLIENT_FRAME,
      verifyClient: this.verifyClient,
    })(this.constructor);
    if (!config.getIoAdapter() && !socketIoInstalled()) {
      config.setIoAdapter(defaultWsAdapter(platform.WsAdapter, this.adapterHost));
    }
    return true;
  }

  afterInit(server: WebSocketServer): void {
    this.server = server;
    this.pinger = setInterval(() => this.ping(), PING_MS).unref();
  }

  onApplicationBootstrap(): void {
    // A CLI or worker process has no HTTP server: it only publishes.
    if (!this.options.realtime.enabled || !this.adapterHost.httpAdapter) return;
    if (!this.declared) assertPackages(['@nestjs/websockets', '@nestjs/platform-ws'], FEATURE);
    if (!isWsServer(this.server)) throw new Error(RealtimeMessages.needsWsAdapter);
    this.logger.log(RealtimeMessages.listening(this.options.realtime.path));
  }

  onApplicationShutdown(): void {
    // The adapter closes the server and its clients (`app.close()`).
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = undefined;
  }

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const admission = this.admitted.get(request);
    this.admitted.delete(request);
    if (admission) return this.open(client, admission);
    // The adapter skipped verifyClient: check now, on the open socket.
    this.admit(request).then(
      (late) => this.open(client, late),
      () => client.close(4503, 'Service Unavailable'),
    );
  }

  handleDisconnect(client: WebSocket): void {
    this.disconnects.get(client)?.();
    this.disconnects.delete(client);
  }

  private readonly verifyClient = (info: { req: IncomingMessage }, done: VerifyDone): void => {
    const refuse = (status: number, message: string): void =>
      done(false, status, JSON.stringify({ success: false, message }), {
        'Content-Type': 'application/json',
      });
    this.admit(info.req).then(
      (admission) => {
        if ('status' in admission) return refuse(admission.status, admission.message);
        this.admitted.set(info.req, admission);
        done(true);
      },
      () => refuse(503, 'Service Unavailable'),
    );
  };

  private async admit(request: IncomingMessage): Promise<Admission> {
    const channels = parseChannels(queryParam(request, 'channels'));
    if (!(channels instanceof Set)) {
      return { status: 400, message: RealtimeMessages.unknownChannel(channels.unknown) };
    }
    if (!this.hub.hasRoom()) return { status: 503, message: RealtimeMessages.tooManyClients };
    const result = await this.auth.authenticate(request);
    if ('refused' in result) {
      const message =
        result.refused === 'missing'
          ? RealtimeMessages.unauthorized
          : RealtimeMessages.invalidCredentials;
      return { status: 401, message };
    }
    return { projectId: result.projectId, channels };
  }

  private open(client: WebSocket, admission: Admission): void {
    if ('status' in admission) {
      // A close reason holds at most 123 bytes.
      client.close(4000 + admission.status, admission.message.slice(0, 120));
      return;
    }
    if (client.readyState !== client.OPEN) return;
    this.alive.add(client);
    client.on('pong', () => this.alive.add(client));
    const { disconnect } = this.hub.connect(admission.projectId, admission.channels, {
      bufferedBytes: () => client.bufferedAmount,
      send: (frame) => client.send(frame.webSocket, { binary: false }),
      close: () => client.close(1001, 'server shutting down'),
    });
    this.disconnects.set(client, disconnect);
    // Clients only listen: whatever they send is ignored (the gateway has no message handlers).
  }

  private ping(): void {
    for (const client of this.server?.clients ?? []) {
      if (!this.alive.has(client)) {
        client.terminate();
        continue;
      }
      this.alive.delete(client);
      client.ping();
    }
  }
}

/**
 * The gateway of one `ReceiverModule.forRoot`: a class of its own, so that the gateway metadata
 * {@link RealtimeGateway} declares on it (path, handshake check) belongs to that receiver only.
 */
export function realtimeGatewayProvider(): Provider {
  class ReceiverRealtimeGateway extends RealtimeGateway {}
  return { provide: RealtimeGateway, useClass: ReceiverRealtimeGateway };
}

/** Whether Nest would fall back on socket.io (its default adapter) in this application. */
function socketIoInstalled(): boolean {
  try {
    require.resolve('@nestjs/platform-socket.io');
    return true;
  } catch {
    return false;
  }
}

/** A `ws` server (what `WsAdapter` creates), not socket.io's or another protocol's. */
function isWsServer(server: unknown): server is WebSocketServer {
  const candidate = server as Partial<WebSocketServer> | undefined;
  return typeof candidate?.handleUpgrade === 'function' && candidate.clients instanceof Set;
}
