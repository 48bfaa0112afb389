import type { RealtimeMessage } from './interfaces/realtime.interfaces';

/**
 * What one send carries to a client: one or more messages, serialised once per transport and
 * shared by every client that gets the same frame (a tick's events reach each subscriber as one
 * frame, not one write per event). Each form is built on first use only.
 */
export class RealtimeFrame {
  private webSocketBytes: Buffer | undefined;
  private eventStreamBytes: Buffer | undefined;

  constructor(readonly messages: readonly RealtimeMessage[]) {}

  /** The WebSocket text frame: a JSON array of the messages (`[{"channel":…,"data":…},…]`). */
  get webSocket(): Buffer {
    return (this.webSocketBytes ??= Buffer.from(
      `[${this.messages.map((message) => message.json).join(',')}]`,
    ));
  }

  /** Server-Sent Events: one event per message, named after its channel. */
  get eventStream(): Buffer {
    return (this.eventStreamBytes ??= Buffer.from(
      this.messages.map(({ channel, json }) => `event: ${channel}\ndata: ${json}\n\n`).join(''),
    ));
  }
}
