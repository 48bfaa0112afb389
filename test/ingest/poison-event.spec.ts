import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import {
  type IngestBatchContext,
  IngestBatchProcessor,
  type IngestHandler,
  IngestHandlerRegistry,
  IngestRejectedError,
  IngestUnavailableError,
  InlineIngestQueue,
} from '../../receiver/ingest';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

@Entity('poison_probe')
class Probe {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  label!: string;
}

/**
 * Inserts the batch in one multi-row statement, as the real handlers do. A `null` label is bad
 * data no validator caught: every engine refuses it (NOT NULL), and with it the whole statement.
 */
class ProbeHandler implements IngestHandler<{ label: string | null }> {
  readonly kind = 'probe';
  async handle(events: { label: string | null }[], { manager }: IngestBatchContext) {
    await new SqlRunner(manager).insert(
      Probe,
      events.map((event) => ({ label: event.label })),
    );
  }
}

describeEachEngine('one event the database refuses', (engine) => {
  let db: IsolatedDatabase;
  let dataSource: DataSource;
  let queue: InlineIngestQueue;

  beforeAll(async () => {
    db = await createIsolatedDatabase(engine);
    dataSource = new DataSource({ ...db.options, entities: [Probe], synchronize: true });
    await dataSource.initialize();
    const registry = new IngestHandlerRegistry();
    registry.register(new ProbeHandler());
    queue = new InlineIngestQueue(new IngestBatchProcessor(dataSource, registry));
  });

  afterAll(async () => {
    await queue.drain();
    if (dataSource.isInitialized) await dataSource.destroy();
    await db.drop();
  });

  const labels = async (): Promise<string[]> =>
    (await dataSource.getRepository(Probe).find()).map((row) => row.label).sort();

  it('is rejected alone: the other events of its batch are written, and health stays ok', async () => {
    const batch = ['a', 'b', 'c', null, 'd', 'e', 'f'];
    // Enqueued in one turn: they form one batch, whose multi-row insert fails as a whole.
    const outcomes = await Promise.allSettled(
      batch.map((label) => queue.enqueue('probe', { label })),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const refused = (outcomes[3] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(IngestRejectedError);
    expect(refused).not.toBeInstanceOf(IngestUnavailableError);
    expect(await labels()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(queue.health().status).toBe('ok');
  });

  it('a batch of bad events alone is no outage either', async () => {
    const outcomes = await Promise.allSettled([
      queue.enqueue('probe', { label: null }),
      queue.enqueue('probe', { label: null }),
    ]);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(IngestRejectedError);
    }
    expect(queue.health().status).toBe('ok');
    await queue.enqueue('probe', { label: 'after' });
    expect(await labels()).toContain('after');
  });
});
