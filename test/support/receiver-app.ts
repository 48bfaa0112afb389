/**
 * Boots ReceiverModule on a real port for HTTP-level suites, on either adapter and any engine:
 *
 * ```ts
 * describeReceiver('projects API', ({ adapter, engine }) => {
 *   const receiver = useReceiverApp({ adapter, engine });
 *   it('...', async () => {
 *     const res = await receiver.http.post('/api/projects/create.php', body, adminHeaders());
 *   });
 * });
 * ```
 */
import type { INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  RECEIVER_FASTIFY_OPTIONS,
  ReceiverModule,
  type ReceiverModuleOptions,
} from '../../receiver';
import {
  availableEngines,
  createIsolatedDatabase,
  type EngineName,
  type IsolatedDatabase,
} from './services';

export type AdapterName = 'fastify' | 'express';
export const ADAPTERS: AdapterName[] = ['fastify', 'express'];

/** Admin key and salt every test receiver uses. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_IP_SALT = 'test-ip-salt';

export const adminHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
  'X-Admin-Key': TEST_ADMIN_KEY,
  ...extra,
});

/** A response as the suites look at it. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (`undefined` when the body is not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Minimal HTTP client over `fetch` against a running receiver. */
export class TestHttp {
  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body as BodyInit | undefined,
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  get(path: string, headers?: Record<string, string>): Promise<TestResponse> {
    return this.request('GET', path, { headers });
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse> {
    return this.request('POST', path, { body, headers });
  }

  put(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse> {
    return this.request('PUT', path, { body, headers });
  }

  delete(path: string, headers?: Record<string, string>): Promise<TestResponse> {
    return this.request('DELETE', path, { headers });
  }
}

export interface ReceiverAppOptions {
  adapter: AdapterName;
  /** TypeORM options (e.g. from `createIsolatedDatabase`), or a connection name. */
  database: ReceiverModuleOptions['database'];
  /** Receiver options over the test defaults (admin key, salt, production false). */
  options?: ReceiverModuleOptions & { isGlobal?: boolean };
  /** Extra modules of the test application. */
  imports?: Type[];
  /** Port to listen on (a restart on the same address); default: a free one. */
  port?: number;
  /** What the application's `main.ts` would do before `listen()` (e.g. `useWebSocketAdapter`). */
  beforeListen?: (app: INestApplication) => void;
}

export interface ReceiverApp {
  app: INestApplication;
  url: string;
  http: TestHttp;
  close(): Promise<void>;
}

/** Starts a Nest app with ReceiverModule on 127.0.0.1 and a free port. */
export async function createReceiverApp(config: ReceiverAppOptions): Promise<ReceiverApp> {
  @Module({
    imports: [
      ReceiverModule.forRoot({
        adminKey: TEST_ADMIN_KEY,
        ipHashSalt: TEST_IP_SALT,
        production: false,
        database: config.database,
        ...config.options,
      }),
      ...(config.imports ?? []),
    ],
  })
  class TestReceiverAppModule {}

  const adapter =
    config.adapter === 'fastify'
      ? new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS })
      : new ExpressAdapter();
  const app = await NestFactory.create(TestReceiverAppModule, adapter, { logger: false });
  try {
    config.beforeListen?.(app);
    await app.listen(config.port ?? 0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, http: new TestHttp(url), close: () => app.close() };
}

/** Handle filled in `beforeAll` by {@link useReceiverApp}. */
export interface ReceiverAppHandle {
  app: INestApplication;
  url: string;
  http: TestHttp;
  database: IsolatedDatabase;
}

/**
 * Registers `beforeAll`/`afterAll` that start a receiver on a fresh database of `engine` and
 * close and drop everything afterwards.
 */
export function useReceiverApp(setup: {
  adapter: AdapterName;
  engine: EngineName;
  options?: ReceiverModuleOptions & { isGlobal?: boolean };
  imports?: Type[];
  beforeListen?: (app: INestApplication) => void;
  /** Collation of the MariaDB database (see `createIsolatedDatabase`). */
  mariadbCollation?: string;
}): ReceiverAppHandle {
  const handle = {} as ReceiverAppHandle;
  let running: ReceiverApp | undefined;
  beforeAll(async () => {
    handle.database = await createIsolatedDatabase(setup.engine, setup.mariadbCollation);
    running = await createReceiverApp({
      adapter: setup.adapter,
      database: handle.database.options,
      options: setup.options,
      imports: setup.imports,
      beforeListen: setup.beforeListen,
    });
    handle.app = running.app;
    handle.url = running.url;
    handle.http = running.http;
  });
  afterAll(async () => {
    await running?.close();
    await handle.database?.drop();
  });
  return handle;
}

/** Every (adapter, engine) pair of this run: both adapters × SQLite and the engines that answered. */
export function receiverMatrix(): Array<{ adapter: AdapterName; engine: EngineName }> {
  return ADAPTERS.flatMap((adapter) => availableEngines().map((engine) => ({ adapter, engine })));
}

/** `describe` once per (adapter, engine) pair. */
export function describeReceiver(
  title: string,
  body: (setup: { adapter: AdapterName; engine: EngineName }) => void,
): void {
  describe.each(receiverMatrix())(`${title} [$adapter, $engine]`, body);
}

/** `describe` once per adapter, on SQLite only (for pipeline rules that do not touch storage). */
export function describeEachAdapter(
  title: string,
  body: (setup: { adapter: AdapterName; engine: EngineName }) => void,
): void {
  describe.each(ADAPTERS.map((adapter) => ({ adapter, engine: 'sqlite' as EngineName })))(
    `${title} [$adapter]`,
    body,
  );
}
