import type { Server } from 'node:http';
import type { WebSocketAdapter } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

type WsAdapterClass = typeof import('@nestjs/platform-ws').WsAdapter;

/**
 * `@nestjs/platform-ws`'s `WsAdapter` on the application's HTTP server, for an application that
 * set no WebSocket adapter. It is made while Nest creates the providers, before an Express
 * application has its HTTP server, so the server is looked up when the first gateway is created
 * (`app.init()`), which is what `new WsAdapter(app)` in `main.ts` would have bound to.
 */
export function defaultWsAdapter(
  WsAdapter: WsAdapterClass,
  adapterHost: HttpAdapterHost,
): WebSocketAdapter {
  class ReceiverWsAdapter extends WsAdapter {
    override create(port: number, options?: Record<string, unknown>) {
      const self = this as unknown as { httpServer?: Server };
      self.httpServer ??= adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
      return super.create(port, options);
    }

    /**
     * A gateway without message handlers (the receiver's: its clients only listen) gets no
     * per-client message pipeline: `WsAdapter` would build one anyway (a few rxjs subscriptions
     * parsing every frame only to find no handler), about 8 KB of memory per connected client.
     */
    override bindMessageHandlers(
      ...args: Parameters<InstanceType<WsAdapterClass>['bindMessageHandlers']>
    ): void {
      if (args[1].length > 0) super.bindMessageHandlers(...args);
    }
  }
  return new ReceiverWsAdapter();
}
