import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import {
  type IngestBatchContext,
  IngestBatchProcessor,
  type IngestHandler,
  IngestHandlerRegistry,
} from '../../receiver/ingest';
import { newEventId } from '../../receiver/ingest/event-id';
import {
  availableEngines,
  createIsolatedDatabase,
  type EngineName,
  type IsolatedDatabase,
} from '../support/services';

@Entity('lock_slot')
class Slot {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  hits!: number;
}

/**
 * Adds one hit to two slots, in the order the event says. The first two transactions meet
 * halfway, each holding its first slot: with opposite orders they deadlock, and the engine
 * aborts one of them.
 */
class CrossingHandler implements IngestHandler<{ first: number; second: number }> {
  readonly kind = 'crossing';
  private arrived = 0;
  private meet!: () => void;
  private readonly met = new Promise<void>((resolve) => (this.meet = resolve));

  async handle(events: { first: number; second: number }[], { manager }: IngestBatchContext) {
    const [{ first, second }] = events;
    await manager.query(`UPDATE lock_slot SET hits = hits + 1 WHERE id = ${first}`);
    if (this.arrived < 2 && ++this.arrived === 2) this.meet();
    await this.met;
    await manager.query(`UPDATE lock_slot SET hits = hits + 1 WHERE id = ${second}`);
  }
}

// SQLite runs one writing transaction at a time: two cannot hold a lock each.
const engines = availableEngines().filter((engine) => engine !== 'sqlite');

(engines.length > 0 ? describe.each(engines) : describe.skip.each<EngineName>(['postgres']))(
  'a batch that loses a deadlock to a concurrent batch [%s]',
  (engine) => {
    let db: IsolatedDatabase;
    let dataSource: DataSource;
    let processor: IngestBatchProcessor;

    beforeAll(async () => {
      db = await createIsolatedDatabase(engine);
      dataSource = new DataSource({ ...db.options, entities: [Slot], synchronize: true });
      await dataSource.initialize();
      await dataSource.getRepository(Slot).insert([
        { id: 1, hits: 0 },
        { id: 2, hits: 0 },
      ]);
      const registry = new IngestHandlerRegistry();
      registry.register(new CrossingHandler());
      processor = new IngestBatchProcessor(dataSource, registry);
    });

    afterAll(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await db?.drop();
    });

    it('is written again, not rejected: both events take effect once', async () => {
      const job = (first: number, second: number) => ({
        id: newEventId(),
        kind: 'crossing',
        payload: { first, second },
      });
      const results = await Promise.all([
        processor.process([job(1, 2)]),
        processor.process([job(2, 1)]),
      ]);
      expect(results).toEqual([[undefined], [undefined]]);
      const slots = await dataSource.getRepository(Slot).find({ order: { id: 'ASC' } });
      expect(slots.map((slot) => slot.hits)).toEqual([2, 2]);
    });
  },
);
