/**
 * A tiny HTTP receiver for client tests: it keeps the raw bytes and headers of every request so a
 * test can recompute signatures, decrypt bodies or count token fetches, and answers with whatever
 * the test's handler returns. Listens on 127.0.0.1, port 0.
 */
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/api/telemetry/flags?host=a`. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: Buffer;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as-is. */
  body?: unknown;
}

export type RequestHandler = (request: RecordedRequest) => CannedResponse | undefined;

export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private handler: RequestHandler = () => ({ status: 200, body: {} });
  private server?: Server;
  private base = '';

  /** Starts listening and resolves with the base URL (`http://127.0.0.1:<port>`). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw: Buffer.concat(chunks),
        };
        this.requests.push(recorded);
        const answer = this.handler(recorded) ?? { status: 200, body: {} };
        const body =
          answer.body === undefined
            ? ''
            : typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
              ? answer.body
              : JSON.stringify(answer.body);
        const headers: Record<string, string> = { ...answer.headers };
        if (
          answer.body !== undefined &&
          typeof answer.body === 'object' &&
          !Buffer.isBuffer(answer.body)
        ) {
          headers['content-type'] ??= 'application/json';
        }
        res.writeHead(answer.status ?? 200, headers);
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /** Base URL of the running server. */
  get url(): string {
    return this.base;
  }

  /** Replaces how the server answers from now on. */
  respond(handler: RequestHandler): void {
    this.handler = handler;
  }

  /** Requests received on one path (without query string). */
  on(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
