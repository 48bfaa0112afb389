/**
 * An HTTP proxy for end-to-end suites: forwards every request to a real server, records what went
 * over the wire (method, path, headers, body bytes, answer status and headers), and can cut the
 * connection instead of delivering a chosen answer — the request was processed, the client never
 * hears it, as when a network drops mid-answer. Listens on 127.0.0.1, port 0.
 */
import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TappedExchange {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  status?: number;
  answerHeaders?: IncomingHttpHeaders;
}

export class TapProxy {
  readonly exchanges: TappedExchange[] = [];
  /** Numbers (1-based) of the requests whose answer is dropped after the server produced it. */
  readonly dropAnswers = new Set<number>();
  private server?: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const exchange: TappedExchange = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        this.exchanges.push(exchange);
        const number = this.exchanges.length;
        const upstream = forward(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => body.push(chunk));
            answer.on('end', () => {
              exchange.status = answer.statusCode;
              exchange.answerHeaders = answer.headers;
              if (this.dropAnswers.has(number)) return void res.socket?.destroy();
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        upstream.on('error', () => res.socket?.destroy());
        upstream.end(exchange.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
