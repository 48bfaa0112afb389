import { RecordingServer } from '../support/recording-server';
import { TestHttp } from '../support/receiver-app';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { eventually } from '../support/eventually';
import {
  availableEngines,
  createIsolatedDatabase,
  type IsolatedDatabase,
} from '../support/services';
import { bodiesOn, createRule, sendError, signedWith, waitForHooks } from './alert-fixtures';

const ADMIN = { 'X-Admin-Key': 'process-admin-key' };
const ALERTS_ENV = {
  RECEIVER_ALERTS_INTERVAL_SECONDS: '1',
  RECEIVER_ALERTS_RETRY_BASE_SECONDS: '1',
};

interface LoggedDelivery {
  id: number;
  status: string;
  attempts: number;
}

/** A rule's deliveries, from the delivery log of `process`. */
async function deliveriesOf(
  process: ReceiverProcess,
  projectId: number,
  ruleId: number,
): Promise<LoggedDelivery[]> {
  const res = await new TestHttp(process.info.url).get(
    `/api/alerts/deliveries?project=${projectId}&rule=${ruleId}`,
    ADMIN,
  );
  return res.body.data.deliveries as LoggedDelivery[];
}

// The outbox is the database: a delivery the endpoint refused is still pending when its receiver
// dies without a shutdown (SIGKILL), and the next receiver on the same database sends it.
describe.each(availableEngines())('alert deliveries over a receiver restart [%s]', (engine) => {
  let database: IsolatedDatabase;
  let first: ReceiverProcess | undefined;
  let second: ReceiverProcess | undefined;
  const hooks = new RecordingServer();

  beforeAll(async () => {
    await hooks.start();
    database = await createIsolatedDatabase(engine);
  });

  afterAll(async () => {
    for (const process of [first, second]) {
      process?.child.kill('SIGTERM');
      await process?.exited;
    }
    await hooks.stop();
    await database?.drop();
  }, 30_000);

  it('delivers a pending delivery from the next receiver process, signed, once', async () => {
    const options = database.options;
    const file = options.type === 'better-sqlite3' ? options.database : options.url;
    hooks.respond(() => ({ status: 500, body: 'down' }));
    // A longer backoff in the first process: it is killed between attempts, not during one (a
    // delivery leased by a killed sender waits for the lease to run out, a minute).
    first = await startReceiverProcess(file, {
      ...ALERTS_ENV,
      RECEIVER_ALERTS_RETRY_BASE_SECONDS: '4',
    });
    const { projectId, secretKey } = first.info;
    const rule = await createRule(
      new TestHttp(first.info.url),
      projectId,
      hooks.url,
      'restart',
      { kind: 'new_error_group' },
      ADMIN,
    );
    await sendError(new TestHttp(first.info.url), secretKey, { message: 'before the restart' });
    const refused = await waitForHooks(hooks, 'restart');
    const deliveryId = refused[0].headers['x-alert-delivery'];
    expect(deliveryId).toBeDefined();
    await eventually(
      async () => (await deliveriesOf(first!, projectId, rule.id))[0],
      (row) => row?.attempts === 1 && row.status === 'pending',
    );

    first.child.kill('SIGKILL');
    await first.exited;
    hooks.respond(() => ({ status: 200 }));
    const attemptsBefore = hooks.on('/restart').length;

    second = await startReceiverProcess(file, ALERTS_ENV);
    expect(second.info.projectId).toBe(projectId);
    const requests = await waitForHooks(hooks, 'restart', attemptsBefore + 1, 90_000);
    const delivered = requests[requests.length - 1];
    expect(delivered.headers['x-alert-delivery']).toBe(deliveryId);
    expect(signedWith(delivered, rule.secret)).toBe(true);
    expect(bodiesOn(hooks, 'restart').at(-1)).toMatchObject({
      rule: { id: rule.id, kind: 'new_error_group' },
      count: 1,
    });

    const log = await eventually(
      () => deliveriesOf(second!, projectId, rule.id),
      (rows) => rows[0]?.status === 'delivered',
    );
    // One delivery, no duplicate created by the second process.
    expect(log).toHaveLength(1);
    expect(String(log[0].id)).toBe(deliveryId);
    expect(new Set(hooks.on('/restart').map((r) => r.headers['x-alert-delivery']))).toEqual(
      new Set([deliveryId]),
    );
  }, 120_000);
});
