import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import {
  TELEMETRY_STORE,
  TelemetryReporter,
  type OutboxEntryInput,
  type TelemetryModuleOptions,
  type TelemetryStore,
} from '../../lib';
import { ACCEPT_BATCH_HEADER } from '../../lib/protocol';
import { redisUrl } from '../support/services';
import { TestTelemetryReceiver, type ReceivedReport } from '../support/telemetry-test-receiver';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';

/** One value per round, `n` seconds into a fixed minute: each becomes its own payload. */
const round = (value: number, host = 'shop-9'): OutboxEntryInput => ({
  key: 'orders',
  value,
  collectedAt: new Date(Date.UTC(2025, 7, 3, 10, 0, value)).toISOString(),
  host,
});

const valueOf = (report: ReceivedReport) => report.body.data.orders;

interface StoreCase {
  name: string;
  /** Options naming the store; `durable` stores keep their content across a restart. */
  options(): TelemetryModuleOptions;
  durable: boolean;
  cleanup(): Promise<void>;
}

const storeCases = (): StoreCase[] => {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-dead-letters-'));
  const cases: StoreCase[] = [
    {
      name: 'memory',
      options: () => ({ store: 'memory' }),
      durable: false,
      cleanup: async () => {},
    },
    {
      name: 'file',
      options: () => ({ store: 'file', storePath: join(dir, 'outbox.json') }),
      durable: true,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  const url = redisUrl();
  if (url) {
    const host = `dead-letters-${randomBytes(4).toString('hex')}`;
    cases.push({
      name: 'redis',
      options: () => ({ store: url, host }),
      durable: true,
      cleanup: async () => {
        const redis = new Redis(url);
        const keys = await redis.keys(`telemetry:${host}:*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    });
  }
  return cases;
};

describe.each(storeCases())('dead letters with the $name store', (store) => {
  let receiver: TestTelemetryReceiver;
  let app: TestingModule | undefined;
  let logs: ReturnType<typeof captureTelemetryLogs>;
  /** Values the receiver refuses, and how. */
  let refuse: Map<unknown, { status: number; message: string }>;

  beforeEach(async () => {
    receiver = await TestTelemetryReceiver.create();
    refuse = new Map();
    receiver.answer = (report) => {
      const refusal = refuse.get(valueOf(report));
      return refusal
        ? { status: refusal.status, body: { success: false, message: refusal.message } }
        : { status: 200, body: {} };
    };
    logs = captureTelemetryLogs();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await receiver.stop();
    logs.restore();
  });

  afterAll(() => store.cleanup());

  const start = async (extra: TelemetryModuleOptions = {}) => {
    app = await startTelemetryApp([], {
      serverUrl: receiver.url,
      host: 'shop-9',
      manualRegistration: true,
      flagsPollInterval: 0,
      ...store.options(),
      ...extra,
    });
    return app;
  };
  const restart = async (extra: TelemetryModuleOptions = {}) => {
    await app?.close();
    app = undefined;
    return start(extra);
  };
  const seed = async (values: number[]) => {
    const storeRef = app!.get<TelemetryStore>(TELEMETRY_STORE);
    // A durable store may hold what an earlier test left: every test starts from an empty one.
    await storeRef.acknowledge((await storeRef.pending(10_000)).map((e) => e.id));
    const left = (await storeRef.deadLetters!(10_000)).map((e) => e.id);
    await storeRef.dropDeadLetters!(left);
    await storeRef.append(values.map((value) => round(value)));
  };
  const reporter = () => app!.get(TelemetryReporter);
  const deadLetters = () => reporter().deadLetters;
  const outboxSize = () => app!.get<TelemetryStore>(TELEMETRY_STORE).size();

  it.each([400, 413, 415, 422])(
    'a payload refused with %i at the head no longer blocks the ones behind it: they go in the same run, in order, and it is kept as a dead letter',
    async (status) => {
      await start();
      await seed([1, 2, 3]);
      refuse.set(1, { status, message: 'value too large' });
      const outcome = await reporter().sendBacklog();
      expect(outcome).toMatchObject({ status: 'sent', payloads: 2, deadLettered: 1, remaining: 0 });
      expect(receiver.reports.map(valueOf)).toEqual([2, 3]);
      const letters = await deadLetters().list();
      expect(letters).toEqual([
        expect.objectContaining({ key: 'orders', value: 1, status, reason: 'value too large' }),
      ]);
      expect(await deadLetters().count()).toBe(1);
      expect(await outboxSize()).toBe(0);
      const lines = logs.warn.filter((line) => line.includes('refused a payload for good'));
      expect(lines).toEqual([
        `Telemetry server refused a payload for good (HTTP ${status}: value too large): its 1 ` +
          'value(s) of shop-9 at 2025-08-03T10:00:01Z are kept as dead letters and the entries ' +
          'after it are sent (see "nestjs-telemetry dead-letters").',
      ]);
    },
  );

  it.each([
    [401, 'token refused'],
    [403, 'invalid signature'],
    [404, 'no such route'],
    [429, 'slow down'],
    [500, 'boom'],
    [503, 'maintenance'],
  ])('a payload refused with %i keeps everything in order, nothing set aside', async (status) => {
    await start();
    await seed([1, 2, 3]);
    refuse.set(1, { status, message: 'no' });
    const outcome = await reporter().sendBacklog();
    expect(outcome).toMatchObject({ status: 'failed', result: { status }, deadLettered: 0 });
    expect(await outboxSize()).toBe(3);
    expect(await deadLetters().count()).toBe(0);
    refuse.clear();
    expect(await reporter().sendBacklog()).toMatchObject({ status: 'sent', entries: 3 });
    expect(receiver.reports.map(valueOf)).toEqual([1, 2, 3]);
  });

  it('keeps everything in order when the receiver is unreachable', async () => {
    await start();
    await seed([1, 2]);
    receiver.interrupt();
    expect(await reporter().sendBacklog()).toMatchObject({ status: 'failed', deadLettered: 0 });
    expect(await outboxSize()).toBe(2);
    receiver.resume();
    await reporter().sendBacklog();
    expect(receiver.reports.map(valueOf)).toEqual([1, 2]);
  });

  it('sets nothing aside while nothing after a refusal is accepted (a receiver refusing every payload, e.g. a wrong encryption key)', async () => {
    await start();
    await seed([1, 2, 3, 4, 5, 6, 7]);
    receiver.answer = () => ({ status: 400, body: { message: 'could not decrypt' } });
    const outcome = await reporter().sendBacklog();
    expect(outcome).toMatchObject({ status: 'failed', deadLettered: 0, remaining: 7 });
    // It gives up after five refusals in a row instead of trying the whole backlog.
    expect(receiver.reports).toHaveLength(0);
    expect(await deadLetters().count()).toBe(0);

    // The last payload refused with nothing after it stays too, and is set aside once one is accepted.
    receiver.answer = (report) =>
      valueOf(report) === 7 ? { status: 413, body: { message: 'too big' } } : { status: 200 };
    expect(await reporter().sendBacklog()).toMatchObject({ status: 'failed', remaining: 1 });
    expect(await deadLetters().count()).toBe(0);
    await app!.get<TelemetryStore>(TELEMETRY_STORE).append([round(8)]);
    expect(await reporter().sendBacklog()).toMatchObject({ status: 'sent', deadLettered: 1 });
    expect(receiver.reports.map(valueOf)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([7]);
  });

  it('retry sends a dead letter again: accepted, it leaves; refused again, it stays with the new refusal', async () => {
    await start();
    await seed([1, 2, 3]);
    refuse.set(1, { status: 413, message: 'too big' });
    refuse.set(2, { status: 422, message: 'unknown key' });
    await reporter().sendBacklog();
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([1, 2]);

    refuse.set(2, { status: 400, message: 'still invalid' });
    refuse.delete(1);
    const retried = await deadLetters().retry();
    expect(retried).toEqual({ status: 'done', sent: 1, refused: 1, remaining: 1 });
    expect(receiver.reports.map(valueOf)).toEqual([3, 1]);
    expect(await deadLetters().list()).toEqual([
      expect.objectContaining({ value: 2, status: 400, reason: 'still invalid' }),
    ]);

    // A failure that is not a refusal keeps the dead letters as they are.
    refuse.set(2, { status: 503, message: 'maintenance' });
    expect(await deadLetters().retry()).toMatchObject({ status: 'failed', remaining: 1 });
    refuse.clear();
    const [{ id }] = await deadLetters().list();
    expect(await deadLetters().retry([id + 1])).toMatchObject({ sent: 0, remaining: 1 });
    expect(await deadLetters().retry([id])).toMatchObject({ sent: 1, remaining: 0 });
    expect(receiver.reports.map(valueOf)).toEqual([3, 1, 2]);
  });

  it('drop removes dead letters by id, or all of them', async () => {
    await start();
    await seed([1, 2, 3, 4]);
    for (const value of [1, 2, 3]) refuse.set(value, { status: 400, message: 'invalid' });
    await reporter().sendBacklog();
    const letters = await deadLetters().list();
    expect(letters.map((e) => e.value)).toEqual([1, 2, 3]);
    expect(await deadLetters().drop([letters[1].id, 999_999])).toBe(1);
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([1, 3]);
    expect(await deadLetters().drop()).toBe(2);
    expect(await deadLetters().count()).toBe(0);
    expect(receiver.reports.map(valueOf)).toEqual([4]);
  });

  it('keeps at most maxDeadLetters, dropping the oldest with a warning', async () => {
    await restart({ maxDeadLetters: 2 });
    await seed([1, 2, 3, 4]);
    for (const value of [1, 2, 3]) refuse.set(value, { status: 413, message: 'too big' });
    expect(await reporter().sendBacklog()).toMatchObject({ status: 'sent', deadLettered: 3 });
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([2, 3]);
    expect(logs.warn).toContain(
      'Telemetry dead letters are full (2): the oldest 1 were dropped to make room.',
    );
  });

  it('sets a round refused inside a batch aside when the batch stored the others', async () => {
    await start();
    await seed([1, 2, 3, 4]);
    receiver.answer = (report) => {
      const body = report.body as unknown as { rounds?: Array<{ data: { orders: number } }> };
      const headers = { [ACCEPT_BATCH_HEADER]: '50' };
      if (!body.rounds) return { status: 200, body: {}, headers };
      const refused = body.rounds.findIndex((r) => r.data.orders === 3);
      const stored = body.rounds.map((_, index) => index).filter((index) => index !== refused);
      return {
        status: 200,
        headers,
        body: { stored, refused: [{ index: refused, error: 'data value too large' }] },
      };
    };
    const outcome = await reporter().sendBacklog();
    expect(outcome).toMatchObject({ status: 'sent', payloads: 3, deadLettered: 1, remaining: 0 });
    expect(await deadLetters().list()).toEqual([
      expect.objectContaining({ value: 3, status: 422, reason: 'data value too large' }),
    ]);
  });

  if (store.durable) {
    it('keeps dead letters across a restart of the application, and retries them after', async () => {
      await start();
      await seed([1, 2]);
      refuse.set(1, { status: 413, message: 'too big' });
      await reporter().sendBacklog();
      await restart();
      expect(await deadLetters().list()).toEqual([
        expect.objectContaining({ value: 1, status: 413, reason: 'too big' }),
      ]);
      expect(await outboxSize()).toBe(0);
      refuse.clear();
      expect(await deadLetters().retry()).toMatchObject({ sent: 1, remaining: 0 });
      await restart();
      expect(await deadLetters().count()).toBe(0);
      expect(receiver.reports.map(valueOf)).toEqual([2, 1]);
    });
  }
});
