import type { DataSource } from 'typeorm';
import { verifyAlertSignature } from '../../receiver';
import { TelemetryHostEntity, TelemetrySampleEntity } from '../../receiver/storage/entities';
import { type RecordedRequest, RecordingServer } from '../support/recording-server';
import {
  adminHeaders,
  createReceiverApp,
  type ReceiverApp,
  type TestHttp,
} from '../support/receiver-app';
import { eventually } from '../support/eventually';
import {
  createIsolatedDatabase,
  type EngineName,
  type IsolatedDatabase,
} from '../support/services';
import {
  createProject,
  dataSourceOf,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

/** Alerts tick every second and retry after 1 s (doubling), so suites see them quickly. */
export const FAST_ALERTS = { alerts: { intervalSeconds: 1, retryBaseSeconds: 1 } };

/** What {@link useAlertsReceiver} starts: filled in its `beforeAll`. */
export interface AlertsReceiver {
  /** The webhook endpoint the rules post to (started before the receiver). */
  hooks: RecordingServer;
  database: IsolatedDatabase;
  receiver: ReceiverApp;
  project: TestProject;
  db: DataSource;
}

/**
 * Registers `beforeAll`/`afterAll` that start a webhook recorder and a receiver with fast alerts
 * on a fresh database of `engine` with one project, and stop and drop them afterwards.
 */
export function useAlertsReceiver(engine: EngineName): AlertsReceiver {
  const handle = { hooks: new RecordingServer() } as AlertsReceiver;
  beforeAll(async () => {
    await handle.hooks.start();
    handle.database = await createIsolatedDatabase(engine);
    handle.receiver = await createReceiverApp({
      adapter: 'fastify',
      database: handle.database.options,
      options: FAST_ALERTS,
    });
    handle.project = await createProject(handle.receiver.app);
    handle.db = dataSourceOf(handle.receiver.app);
  });
  afterAll(async () => {
    await handle.receiver?.close();
    await handle.hooks.stop();
    await handle.database?.drop();
  });
  return handle;
}

/** A rule as the API returns it. */
export interface CreatedRule {
  id: number;
  secret: string;
  [field: string]: unknown;
}

/** Creates a rule through the admin API, posting to `<hooks>/<path>`. */
export async function createRule(
  http: TestHttp,
  projectId: number,
  hooks: string,
  path: string,
  rule: Record<string, unknown>,
  admin: Record<string, string> = adminHeaders(),
): Promise<CreatedRule> {
  const res = await http.post(
    '/api/alerts/rules',
    { project_id: projectId, name: path, url: `${hooks}/${path}`, cooldown_seconds: 0, ...rule },
    admin,
  );
  if (res.status !== 201) throw new Error(`rule not created: ${res.status} ${res.text}`);
  return res.body.data as CreatedRule;
}

/** Reports an error with the project's secret key (the test hook skips rate limits). */
export async function sendError(
  http: TestHttp,
  secretKey: string,
  body: Record<string, unknown>,
): Promise<void> {
  const res = await http.post('/api/track/error', body, testHeaders(secretKey));
  if (res.status !== 202) throw new Error(`error not accepted: ${res.status} ${res.text}`);
}

/** A message body as the generic webhook channel sends it. */
export interface WebhookBody {
  type: string;
  delivery_id: number;
  project_id: number;
  rule: { id: number; name: string; kind: string };
  title: string;
  count: number;
  firings: Array<{ title: string; details: Record<string, unknown>; fired_at: string }>;
}

/** The JSON bodies a webhook path received. */
export const bodiesOn = (server: RecordingServer, path: string): WebhookBody[] =>
  server.on(`/${path}`).map((request) => JSON.parse(request.raw.toString('utf8')) as WebhookBody);

/** Waits until `path` received at least `count` requests; returns them. */
export const waitForHooks = (
  server: RecordingServer,
  path: string,
  count = 1,
  timeoutMs = 20_000,
): Promise<RecordedRequest[]> =>
  eventually(
    async () => server.on(`/${path}`),
    (requests) => requests.length >= count,
    timeoutMs,
  );

/** Whether a request carries a valid signature of `secret`. */
export const signedWith = (request: RecordedRequest, secret: string): boolean =>
  verifyAlertSignature(secret, request.raw, request.headers['x-alert-signature'] as string);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Row count of a table. */
export async function rowCount(db: DataSource, table: string, where = '1 = 1'): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
  return Number(row.n);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A telemetry host last seen at `lastSeen`, with `cpu` samples taken minutes ago. */
export async function seedHost(
  db: DataSource,
  projectId: number,
  host: string,
  lastSeen: Date,
  cpu: Array<[minutesAgo: number, value: number]>,
): Promise<void> {
  const row = await db.getRepository(TelemetryHostEntity).save({
    project_id: projectId,
    host,
    status: 'approved' as const,
    response_extras: {},
    first_seen: new Date(lastSeen.getTime() - HOUR),
    last_seen: lastSeen,
    report_count: cpu.length,
    avg_interval_seconds: 60,
  });
  await db.getRepository(TelemetrySampleEntity).save(
    cpu.map(([ago, value]) => ({
      project_id: projectId,
      host_id: row.id,
      key: 'cpu',
      value,
      numeric_value: value,
      collected_at: new Date(Date.now() - ago * MINUTE),
      received_at: new Date(),
    })),
  );
}

/**
 * Makes the database itself refuse every insert into `table` (a trigger raising an error, on each
 * engine) until the returned function is called: a write failure the receiver cannot prevent.
 */
export async function refuseInserts(
  db: DataSource,
  engine: EngineName,
  table: string,
): Promise<() => Promise<void>> {
  const trigger = `refuse_${table}`;
  if (engine === 'sqlite') {
    await db.query(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    return async () => void (await db.query(`DROP TRIGGER ${trigger}`));
  }
  if (engine === 'postgres') {
    await db.query(
      `CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_insert()`,
    );
    return async () => void (await db.query(`DROP TRIGGER ${trigger} ON ${table}`));
  }
  await db.query(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'`,
  );
  return async () => void (await db.query(`DROP TRIGGER ${trigger}`));
}
