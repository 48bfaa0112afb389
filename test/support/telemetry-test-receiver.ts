/**
 * A tiny telemetry receiver for client tests: a real HTTP server on 127.0.0.1 that records every
 * report and answers what the test tells it to. `interrupt()` simulates an outage (every
 * connection is cut, no answer comes back) and `resume()` ends it; `stop()` releases the port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedReport {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Exact bytes of the body, as text. */
  raw: string;
  /** Parsed body (`undefined` if it was not JSON). */
  body: { host: string; timestamp: string; data: Record<string, unknown> };
}

export interface ReceiverAnswer {
  /** HTTP status; 0 leaves the request unanswered until `stop()`. */
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class TestTelemetryReceiver {
  readonly reports: ReceivedReport[] = [];
  /** Decides the answer to each report; by default 200 with an empty JSON object. */
  answer: (report: ReceivedReport) => ReceiverAnswer = () => ({ status: 200, body: {} });
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private interrupted = false;

  /** Starts a receiver on a free port. */
  static async create(): Promise<TestTelemetryReceiver> {
    const receiver = new TestTelemetryReceiver();
    await receiver.start();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/telemetry`;
  }

  /** Every `data` object received, in arrival order. */
  get dataReceived(): Record<string, unknown>[] {
    return this.reports.map((report) => report.body.data);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: ReceivedReport['body'];
        try {
          body = JSON.parse(raw) as ReceivedReport['body'];
        } catch {
          body = undefined as unknown as ReceivedReport['body'];
        }
        const report = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          raw,
          body,
        };
        const answer = this.answer(report);
        if (answer.status === 0) return; // never answer: a hanging receiver
        // Only reports count: the flags poller's GETs (client-flags) reach the same server.
        if (req.method === 'POST' && answer.status >= 200 && answer.status < 300) {
          this.reports.push(report);
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    server.on('connection', (socket) => {
      if (this.interrupted) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * An outage: cuts every open connection and every new one at once, so clients get no answer.
   * The port stays bound: closing the server and listening again later would let another process
   * (or an outgoing connection's ephemeral port) take it meanwhile, and the restart would fail.
   */
  interrupt(): void {
    this.interrupted = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Ends the outage started by {@link interrupt}. */
  resume(): void {
    this.interrupted = false;
  }

  /** Closes the server and every open connection: clients now get "connection refused". */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Resolves once `condition` holds, polling; rejects naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
