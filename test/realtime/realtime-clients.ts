import { get } from 'node:http';
import WebSocket from 'ws';

/** A message as a realtime client receives it. */
export interface FeedMessage {
  channel: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** A connected feed client: what it received so far, and a way to wait for more. */
export interface FeedClient {
  messages: FeedMessage[];
  /** Resolves with the first message (already received or coming) that `match` accepts. */
  next(match: (message: FeedMessage) => boolean, timeoutMs?: number): Promise<FeedMessage>;
  close(): void;
}

function feed(): { client: Omit<FeedClient, 'close'>; add: (message: FeedMessage) => void } {
  const messages: FeedMessage[] = [];
  const waiters: Array<{ match: (m: FeedMessage) => boolean; resolve: (m: FeedMessage) => void }> =
    [];
  const add = (message: FeedMessage): void => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };
  const next = (match: (m: FeedMessage) => boolean, timeoutMs = 5000): Promise<FeedMessage> => {
    const found = messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(
          new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages)}`),
        );
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (m: FeedMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      waiters.push(waiter);
    });
  };
  return { client: { messages, next }, add };
}

/** Opens the WebSocket endpoint; rejects with the HTTP status when the upgrade is refused. */
export function openWebSocket(
  url: string,
  options: { headers?: Record<string, string>; query?: string } = {},
): Promise<FeedClient & { socket: WebSocket }> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/realtime${options.query ? `?${options.query}` : ''}`;
  const socket = new WebSocket(wsUrl, { headers: options.headers });
  const { client, add } = feed();
  // Each WebSocket frame is a JSON array of messages (a tick's events in one frame).
  socket.on('message', (data) => {
    for (const message of JSON.parse(String(data)) as FeedMessage[]) add(message);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ ...client, socket, close: () => socket.terminate() }));
    socket.once('unexpected-response', (_request, response) =>
      reject(
        Object.assign(new Error(`refused: ${response.statusCode}`), {
          status: response.statusCode,
        }),
      ),
    );
    socket.once('error', reject);
  });
}

/** An SSE client that can stop reading (its socket's buffers then fill up) and start again. */
export interface EventStreamClient extends FeedClient {
  pause(): void;
  resume(): void;
  /** Resolves when the server ends the stream (or the connection closes). */
  ended: Promise<void>;
}

/** Opens the SSE stream; rejects with the HTTP status when it is refused. */
export function openEventStream(
  url: string,
  options: { headers?: Record<string, string>; query?: string } = {},
): Promise<EventStreamClient> {
  const target = `${url}/api/realtime/events${options.query ? `?${options.query}` : ''}`;
  return new Promise((resolve, reject) => {
    const request = get(target, { headers: options.headers }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(
          Object.assign(new Error(`refused: ${response.statusCode}`), {
            status: response.statusCode,
          }),
        );
        return;
      }
      const { client, add } = feed();
      const decoder = new TextDecoder();
      let buffer = '';
      response.on('data', (chunk: Buffer) => {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) add(JSON.parse(data) as FeedMessage);
        }
      });
      response.on('error', () => undefined);
      const ended = new Promise<void>((done) => response.once('close', () => done()));
      resolve({
        ...client,
        ended,
        close: () => request.destroy(),
        pause: () => response.pause(),
        resume: () => response.resume(),
      });
    });
    request.on('error', reject);
  });
}
