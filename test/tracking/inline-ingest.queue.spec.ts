import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import {
  IngestBatchContext,
  IngestBatchProcessor,
  IngestHandler,
  IngestHandlerRegistry,
  IngestRejectedError,
  IngestUnavailableError,
  InlineIngestQueue,
} from '../../receiver/ingest';
import { createIsolatedDatabase, IsolatedDatabase } from '../support/services';

@Entity('queue_probe')
class Probe {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  label!: string;
}

/** Inserts probes in one multi-row insert and remembers the size of every batch it saw. */
class ProbeHandler implements IngestHandler<{ label: string }> {
  readonly kind = 'probe';
  readonly batchSizes: number[] = [];
  committed: string[] = [];
  /** While set, a batch holds the writer until the test opens the gate. */
  gate: Promise<void> | undefined;

  async handle(payloads: { label: string }[], context: IngestBatchContext): Promise<void> {
    if (payloads.some((p) => p.label === 'poison')) throw new Error('poisoned event');
    this.batchSizes.push(payloads.length);
    await this.gate;
    await context.manager.createQueryBuilder().insert().into(Probe).values(payloads).execute();
    context.afterCommit(() => {
      this.committed.push(...payloads.map((p) => p.label));
    });
  }
}

describe('inline ingestion queue (group commit)', () => {
  let db: IsolatedDatabase;
  let dataSource: DataSource;
  let handler: ProbeHandler;
  let queue: InlineIngestQueue;

  const count = async (label?: string): Promise<number> =>
    dataSource.getRepository(Probe).count(label ? { where: { label } } : undefined);

  beforeEach(async () => {
    db = await createIsolatedDatabase('sqlite');
    dataSource = new DataSource({ ...db.options, entities: [Probe], synchronize: true });
    await dataSource.initialize();
    const registry = new IngestHandlerRegistry();
    handler = new ProbeHandler();
    registry.register(handler);
    queue = new InlineIngestQueue(new IngestBatchProcessor(dataSource, registry), {
      maxBatchSize: 50,
    });
  });

  afterEach(async () => {
    await queue.drain();
    if (dataSource.isInitialized) await dataSource.destroy();
    await db.drop();
  });

  it('resolves an enqueue only once its event is committed and readable', async () => {
    await queue.enqueue('probe', { label: 'one' });
    expect(await count('one')).toBe(1);
    expect(handler.committed).toEqual(['one']);
  });

  it('writes concurrent events together in batches no larger than the configured size', async () => {
    const labels = Array.from({ length: 120 }, (_, i) => `e${i}`);
    await Promise.all(labels.map((label) => queue.enqueue('probe', { label })));
    expect(await count()).toBe(120);
    expect(handler.batchSizes.length).toBeLessThan(120);
    expect(Math.max(...handler.batchSizes)).toBeLessThanOrEqual(50);
  });

  it('writes the first event without waiting for a timer and gathers events arriving during a write into the next batch', async () => {
    // Timers never fire here: a batch that waited for one would never be written.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'Date'] });
    let open!: () => void;
    handler.gate = new Promise((resolve) => (open = resolve));
    const first = queue.enqueue('probe', { label: 'leader' });
    // The leader's batch is being written (held at the gate) before anyone else arrives.
    while (handler.batchSizes.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const followers = ['f1', 'f2', 'f3'].map((label) => queue.enqueue('probe', { label }));
    handler.gate = undefined;
    open();
    await Promise.all([first, ...followers]);
    expect(handler.batchSizes).toEqual([1, 3]);
    jest.useRealTimers();
    expect(await count()).toBe(4);
  });

  it('keeps the good events of a batch when one event cannot be written', async () => {
    const results = await Promise.allSettled(
      ['a', 'poison', 'b'].map((label) => queue.enqueue('probe', { label })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count()).toBe(2);
    expect(handler.committed).not.toContain('poison');
  });

  it('refuses events with IngestUnavailableError and reports failing health while the database is down', async () => {
    await dataSource.destroy();
    const results = await Promise.allSettled([
      queue.enqueue('probe', { label: 'lost-1' }),
      queue.enqueue('probe', { label: 'lost-2' }),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(IngestUnavailableError);
    }
    expect(queue.health().status).toBe('fail');
    expect(queue.health().message).toMatch(/Database writes are failing/);

    await dataSource.initialize();
    await queue.enqueue('probe', { label: 'back' });
    expect(queue.health().status).toBe('ok');
  });

  it('drains accepted events on shutdown and refuses new ones afterwards', async () => {
    const accepted = Array.from({ length: 30 }, (_, i) =>
      queue.enqueue('probe', { label: `d${i}` }),
    );
    await queue.drain();
    await Promise.all(accepted);
    expect(await count()).toBe(30);
    await expect(queue.enqueue('probe', { label: 'late' })).rejects.toBeInstanceOf(
      IngestUnavailableError,
    );
  });

  it('rejects an event kind that has no handler instead of dropping it', async () => {
    const refused = await queue.enqueue('unknown-kind', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IngestRejectedError);
    expect(((refused as IngestRejectedError).cause as Error).message).toMatch(/No ingest handler/);
  });
});
