import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import type { TelemetryModuleOptions, TelemetryStore } from '../../lib';
import { ErrorsOutbox } from '../../lib/errors/outbox/errors.outbox';
import { ErrorsSender } from '../../lib/errors/outbox/errors.sender';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { redisUrl } from '../support/services';
import { TestTelemetryReceiver, type ReceivedReport } from '../support/telemetry-test-receiver';
import { captureTelemetryLogs, startTelemetryApp } from '../client/fixtures/telemetry-app.fixture';

/** The message of an error report as the receiver got it: each test report has its own. */
const messageOf = (report: ReceivedReport) =>
  Number((JSON.parse(report.raw) as { message: string }).message);

interface StoreCase {
  name: string;
  /** Options naming the errors outbox's store; `durable` stores keep it across a restart. */
  options(): TelemetryModuleOptions;
  durable: boolean;
  cleanup(): Promise<void>;
}

const storeCases = (): StoreCase[] => {
  const dir = mkdtempSync(join(tmpdir(), 'errors-dead-letters-'));
  const cases: StoreCase[] = [
    {
      name: 'memory',
      options: () => ({ store: 'memory' }),
      durable: false,
      cleanup: async () => {},
    },
    {
      // errors.outbox.json beside the telemetry outbox file
      name: 'file',
      options: () => ({ store: 'file', storePath: join(dir, 'outbox.json') }),
      durable: true,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
  const url = redisUrl();
  if (url) {
    const host = `errors-dead-letters-${randomBytes(4).toString('hex')}`;
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

describe.each(storeCases())('error reports refused for good, with the $name store', (store) => {
  let receiver: TestTelemetryReceiver;
  let app: TestingModule | undefined;
  let logs: ReturnType<typeof captureTelemetryLogs>;
  /** Reports the receiver refuses (by message), and how. */
  let refuse: Map<number, { status: number; message: string }>;

  beforeEach(async () => {
    receiver = await TestTelemetryReceiver.create();
    refuse = new Map();
    receiver.answer = (report) => {
      const refusal = refuse.get(messageOf(report));
      return refusal
        ? { status: refusal.status, body: { success: false, message: refusal.message } }
        : { status: 202, body: { success: true } };
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
      host: 'shop-9',
      manualRegistration: true,
      flagsPollInterval: 0,
      errors: { receiverUrl: receiver.url, projectKey: 'secret-key' },
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
  const errorsStore = () => app!.get(ErrorsOutbox).store!;
  /** Empties the errors outbox and its dead letters (a durable store may hold an earlier test's). */
  const seed = async (messages: number[]) => {
    const outbox = errorsStore();
    await outbox.acknowledge((await outbox.pending(10_000)).map((e) => e.id));
    await outbox.dropDeadLetters!((await outbox.deadLetters!(10_000)).map((e) => e.id));
    for (const message of messages) {
      await app!.get(ErrorsOutbox).add('error', { message: String(message), type: 'Error' });
    }
  };
  const sender = () => app!.get(ErrorsSender);
  const deadLetters = () => sender().deadLetters;
  const sent = () => receiver.reports.map(messageOf);

  it.each([400, 413, 415, 422])(
    'a report refused with %i no longer blocks nor vanishes: the ones behind it go in the same run, and it is kept as a dead letter',
    async (status) => {
      await start();
      await seed([1, 2, 3]);
      refuse.set(1, { status, message: 'message too long' });
      const outcome = await sender().sendBacklog();
      expect(outcome).toMatchObject({ status: 'sent', sent: 2, deadLettered: 1, remaining: 0 });
      expect(sent()).toEqual([2, 3]);
      expect(await deadLetters().list()).toEqual([
        expect.objectContaining({
          key: 'micrologs:error',
          value: expect.objectContaining({ message: '1' }),
          status,
          reason: 'message too long',
        }),
      ]);
      expect(await errorsStore().size()).toBe(0);
      expect(logs.warn.filter((line) => line.includes('refused an error report'))).toEqual([
        `Error receiver refused an error report for good (HTTP ${status}: message too long): it ` +
          'is kept as a dead letter and the reports after it are sent (see "nestjs-telemetry dead-letters").',
      ]);
    },
  );

  it.each([401, 403, 404, 429, 500, 503])(
    'a report refused with %i keeps everything in order, nothing set aside',
    async (status) => {
      await start();
      await seed([1, 2, 3]);
      refuse.set(1, { status, message: 'no' });
      expect(await sender().sendBacklog()).toMatchObject({ status: 'failed', result: { status } });
      expect(await errorsStore().size()).toBe(3);
      expect(await deadLetters().count()).toBe(0);
      refuse.clear();
      expect(await sender().sendBacklog()).toMatchObject({ status: 'sent', sent: 3 });
      expect(sent()).toEqual([1, 2, 3]);
    },
  );

  it('sets nothing aside while nothing after a refusal is accepted (a receiver refusing every report)', async () => {
    await start();
    await seed([1, 2, 3, 4, 5, 6, 7]);
    receiver.answer = () => ({ status: 400, body: { message: 'invalid project' } });
    const outcome = await sender().sendBacklog();
    expect(outcome).toMatchObject({ status: 'failed', deadLettered: 0, remaining: 7 });
    expect(await deadLetters().count()).toBe(0);

    // The newest report refused with nothing after it waits for the next one the receiver takes.
    receiver.answer = (report) =>
      messageOf(report) === 7 ? { status: 413, body: { message: 'too big' } } : { status: 202 };
    expect(await sender().sendBacklog()).toMatchObject({ status: 'failed', remaining: 1 });
    expect(await deadLetters().count()).toBe(0);
    await app!.get(ErrorsOutbox).add('error', { message: '8', type: 'Error' });
    expect(await sender().sendBacklog()).toMatchObject({ status: 'sent', deadLettered: 1 });
    expect(sent()).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([
      expect.objectContaining({ message: '7' }),
    ]);
  });

  it('retry sends a dead letter again: accepted, it leaves; refused again, it stays with the new refusal; drop deletes', async () => {
    await start();
    await seed([1, 2, 3, 4]);
    refuse.set(1, { status: 413, message: 'too big' });
    refuse.set(2, { status: 422, message: 'bad severity' });
    refuse.set(3, { status: 400, message: 'invalid' });
    await sender().sendBacklog();
    expect(await deadLetters().count()).toBe(3);

    refuse.delete(1);
    refuse.set(2, { status: 400, message: 'still invalid' });
    const [first, second, third] = await deadLetters().list();
    const retried = await deadLetters().retry([first.id, second.id]);
    expect(retried).toEqual({ status: 'done', sent: 1, refused: 1, remaining: 2 });
    expect(sent()).toEqual([4, 1]);
    expect(await deadLetters().list()).toEqual([
      expect.objectContaining({ id: second.id, status: 400, reason: 'still invalid' }),
      expect.objectContaining({ id: third.id, status: 400, reason: 'invalid' }),
    ]);

    // A failure that is not a refusal keeps the dead letters as they are.
    refuse.set(2, { status: 503, message: 'maintenance' });
    expect(await deadLetters().retry()).toMatchObject({ status: 'failed', remaining: 2 });
    expect(await deadLetters().drop([second.id, 999_999])).toBe(1);
    expect(await deadLetters().drop()).toBe(1);
    expect(await deadLetters().count()).toBe(0);
  });

  it('keeps at most maxDeadLetters, dropping the oldest with a warning', async () => {
    await restart({ maxDeadLetters: 2 });
    await seed([1, 2, 3, 4]);
    for (const message of [1, 2, 3]) refuse.set(message, { status: 400, message: 'invalid' });
    expect(await sender().sendBacklog()).toMatchObject({ status: 'sent', deadLettered: 3 });
    expect((await deadLetters().list()).map((e) => e.value)).toEqual([
      expect.objectContaining({ message: '2' }),
      expect.objectContaining({ message: '3' }),
    ]);
    expect(logs.warn).toContain(
      'Error report dead letters are full (2): the oldest 1 were dropped to make room.',
    );
  });

  if (store.durable) {
    it('keeps dead letters across a restart of the application, and retries them after', async () => {
      await start();
      await seed([1, 2]);
      refuse.set(1, { status: 413, message: 'too big' });
      await sender().sendBacklog();
      await restart();
      expect(await deadLetters().list()).toEqual([
        expect.objectContaining({ status: 413, reason: 'too big' }),
      ]);
      refuse.clear();
      expect(await deadLetters().retry()).toMatchObject({ sent: 1, remaining: 0 });
      await restart();
      expect(await deadLetters().count()).toBe(0);
      expect(sent()).toEqual([2, 1]);
    });
  }
});

describe('error reports refused for good, with a store of your own without dead letters', () => {
  it('keeps the refused report at the head of the outbox: nothing is lost, nothing set aside', async () => {
    const receiver = await TestTelemetryReceiver.create();
    receiver.answer = (report) =>
      messageOf(report) === 1 ? { status: 400, body: { message: 'invalid' } } : { status: 202 };
    const memory = new MemoryTelemetryStore();
    // Only the required methods: the four dead-letter ones are optional.
    const own: TelemetryStore = {
      append: (entries) => memory.append(entries),
      pending: (limit) => memory.pending(limit),
      acknowledge: (ids) => memory.acknowledge(ids),
      size: () => memory.size(),
      getValue: <T>(key: string) => memory.getValue<T>(key),
      setValue: (key, value) => memory.setValue(key, value),
      setValues: (values) => memory.setValues(values),
      deleteValue: (key) => memory.deleteValue(key),
      acquireLock: (name, ttl) => memory.acquireLock(name, ttl),
      close: () => memory.close(),
    };
    const app = await startTelemetryApp([], {
      manualRegistration: true,
      flagsPollInterval: 0,
      errors: { receiverUrl: receiver.url, projectKey: 'secret-key', store: own },
    });
    try {
      for (const message of [1, 2]) {
        await app.get(ErrorsOutbox).add('error', { message: String(message), type: 'Error' });
      }
      const outcome = await app.get(ErrorsSender).sendBacklog();
      expect(outcome).toMatchObject({ status: 'failed', result: { status: 400 }, remaining: 2 });
      expect(receiver.reports).toHaveLength(0);
    } finally {
      await app.close();
      await receiver.stop();
    }
  });
});

// Fault injection: the store cannot write the acknowledgement (a full disk, Redis away) after the
// receiver stored the report. Sending it again on every tick would store it again: a Micrologs
// receiver does not deduplicate error reports or audit entries sent by a backend.
describe('an error report accepted while its store cannot write the acknowledgement', () => {
  it('is sent once across several sends, and removed once the store works again', async () => {
    class AckFailingStore extends MemoryTelemetryStore {
      failing = true;
      override async acknowledge(ids: number[]): Promise<void> {
        if (this.failing) throw new Error('ENOSPC: no space left on device');
        return super.acknowledge(ids);
      }
    }
    const store = new AckFailingStore();
    const receiver = await TestTelemetryReceiver.create();
    receiver.answer = () => ({ status: 202, body: { success: true } });
    const logs = captureTelemetryLogs();
    const app = await startTelemetryApp([], {
      manualRegistration: true,
      flagsPollInterval: 0,
      errors: { receiverUrl: receiver.url, projectKey: 'secret-key', store },
    });
    try {
      const outbox = app.get(ErrorsOutbox);
      const sender = app.get(ErrorsSender);
      await outbox.add('error', { message: '1', type: 'Error' });
      await expect(sender.sendBacklog()).rejects.toThrow('ENOSPC');
      for (let tick = 0; tick < 3; tick++) {
        expect(await sender.sendBacklog()).toMatchObject({ status: 'empty', remaining: 0 });
      }
      expect(receiver.reports.map(messageOf)).toEqual([1]);
      store.failing = false;
      await outbox.add('error', { message: '2', type: 'Error' });
      expect(await sender.sendBacklog()).toMatchObject({ status: 'sent', sent: 1, remaining: 0 });
      expect(receiver.reports.map(messageOf)).toEqual([1, 2]);
      expect(await store.size()).toBe(0);
      expect(logs.error.filter((line) => line.startsWith('Telemetry store failed'))).toHaveLength(
        1,
      );
      expect(
        logs.log.filter((line) => line.startsWith('Telemetry store writable again')),
      ).toHaveLength(1);
    } finally {
      await app.close();
      await receiver.stop();
      logs.restore();
    }
  });
});
