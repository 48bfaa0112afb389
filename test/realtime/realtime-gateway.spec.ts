import { EventEmitter } from 'node:events';
import { Module } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  AbstractWsAdapter,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import WebSocket from 'ws';
import { RealtimeMessages } from '../../receiver/realtime/realtime.messages';
import { createReceiverApp, describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase } from '../support/services';
import { createProject, testHeaders } from '../tracking/tracking-fixtures';
import { openWebSocket, type FeedClient } from './realtime-clients';

/** What a refused upgrade answered: HTTP status and body, or the close code and reason of an opened socket. */
function refusal(
  url: string,
): Promise<{ status?: number; body?: string; code?: number; reason?: string }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/realtime`);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.once('error', reject);
  });
}

describeEachAdapter(
  'the realtime gateway beside the application’s own ws gateway',
  ({ adapter, engine }) => {
    @WebSocketGateway({ path: '/host-ws' })
    class HostGateway {
      @SubscribeMessage('echo')
      echo(@MessageBody() data: unknown) {
        return { event: 'echo', data };
      }
    }
    @Module({ providers: [HostGateway] })
    class HostModule {}

    const receiver = useReceiverApp({
      adapter,
      engine,
      options: { realtime: { enabled: true } },
      imports: [HostModule],
      // The host's main.ts chose WsAdapter for its own gateways: the receiver's runs on it too.
      beforeListen: (app) => app.useWebSocketAdapter(new WsAdapter(app)),
    });
    const clients: FeedClient[] = [];
    afterEach(() => clients.splice(0).forEach((client) => client.close()));

    it('serves the feed at realtime.path and the host’s gateway at its own path', async () => {
      const project = await createProject(receiver.app);
      const feed = await openWebSocket(receiver.url, {
        headers: { 'X-API-Key': project.secretKey },
      });
      clients.push(feed);
      await feed.next((m) => m.channel === 'hello');

      const host = new WebSocket(`${receiver.url.replace(/^http/, 'ws')}/host-ws`);
      const echoed = new Promise<unknown>((resolve) =>
        host.once('message', (data) => resolve(JSON.parse(String(data)))),
      );
      await new Promise((resolve, reject) => host.once('open', resolve).once('error', reject));
      host.send(JSON.stringify({ event: 'echo', data: { hi: 1 } }));
      expect(await echoed).toEqual({ event: 'echo', data: { hi: 1 } });
      host.terminate();

      await receiver.http.post(
        '/api/track/error.php',
        { message: 'seen beside the host gateway' },
        testHeaders(project.secretKey),
      );
      const error = await feed.next((m) => m.channel === 'errors');
      expect(error.data.message).toBe('seen beside the host gateway');
    });

    it('refuses a client without credentials during the handshake, with a 401 and the reason', async () => {
      expect(await refusal(receiver.url)).toEqual({
        status: 401,
        body: JSON.stringify({ success: false, message: RealtimeMessages.unauthorized }),
      });
    });
  },
);

describeEachAdapter(
  'the realtime gateway on the adapter the receiver installs',
  ({ adapter, engine }) => {
    const receiver = useReceiverApp({ adapter, engine, options: { realtime: { enabled: true } } });

    it('ignores what a client sends and keeps its feed', async () => {
      const project = await createProject(receiver.app);
      const feed = await openWebSocket(receiver.url, {
        headers: { 'X-API-Key': project.secretKey },
        query: 'channels=errors',
      });
      await feed.next((m) => m.channel === 'hello');
      feed.socket.send('not json');
      feed.socket.send(JSON.stringify({ event: 'subscribe', data: { channels: ['pageviews'] } }));
      await receiver.http.post(
        '/api/track/error.php',
        { message: 'after the chatter' },
        testHeaders(project.secretKey),
      );
      const error = await feed.next((m) => m.channel === 'errors');
      expect(error.data.message).toBe('after the chatter');
      expect(feed.messages.map((m) => m.channel)).toEqual(['hello', 'errors']);
      feed.close();
    });
  },
);

describeEachAdapter(
  'the realtime gateway on an adapter that skips the handshake check',
  ({ adapter, engine }) => {
    /** A ws adapter that does not hand `verifyClient` to ws (as a custom adapter might). */
    class NoHandshakeCheckAdapter extends WsAdapter {
      override create(port: number, options: Record<string, unknown> = {}) {
        const { verifyClient: _skipped, ...rest } = options;
        return super.create(port, rest);
      }
    }
    const receiver = useReceiverApp({
      adapter,
      engine,
      options: { realtime: { enabled: true } },
      beforeListen: (app) => app.useWebSocketAdapter(new NoHandshakeCheckAdapter(app)),
    });

    it('checks the client in handleConnection and closes a refused one with 4401 and the reason', async () => {
      expect(await refusal(receiver.url)).toEqual({
        code: 4401,
        reason: RealtimeMessages.unauthorized,
      });
      const project = await createProject(receiver.app);
      const feed = await openWebSocket(receiver.url, {
        headers: { 'X-API-Key': project.secretKey },
      });
      await feed.next((m) => m.channel === 'hello');
      feed.close();
    });
  },
);

describe('the realtime gateway on a WebSocket adapter of another protocol', () => {
  /** Stands for socket.io's adapter: servers that are not ws servers. */
  class OtherProtocolAdapter extends AbstractWsAdapter {
    create() {
      return Object.assign(new EventEmitter(), { close: (done?: () => void) => done?.() });
    }
    bindMessageHandlers() {
      return undefined;
    }
  }

  it('stops the application at boot, saying how to fix it', async () => {
    const database = await createIsolatedDatabase('sqlite');
    try {
      await expect(
        createReceiverApp({
          adapter: 'express',
          database: database.options,
          options: { realtime: { enabled: true } },
          beforeListen: (app) => app.useWebSocketAdapter(new OtherProtocolAdapter(app)),
        }),
      ).rejects.toThrow(RealtimeMessages.needsWsAdapter);
    } finally {
      await database.drop();
    }
  });
});
