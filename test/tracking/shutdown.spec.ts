import Database from 'better-sqlite3';
import { INGEST_QUEUE, IngestQueue } from '../../receiver/ingest';
import { inlineIngestOptionsFromEnv } from '../../receiver/ingest/inline-ingest.options';
import { AUDIT_JOB, AuditJob } from '../../receiver/tracking';
import { createReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase } from '../support/services';
import { createProject } from './tracking-fixtures';

describe('graceful shutdown of the receiver', () => {
  it('writes every accepted event before the database closes, and refuses new ones', async () => {
    const database = await createIsolatedDatabase('sqlite');
    const receiver = await createReceiverApp({ adapter: 'fastify', database: database.options });
    const project = await createProject(receiver.app);
    const queue = receiver.app.get<IngestQueue>(INGEST_QUEUE);
    const job = (n: number): AuditJob => ({
      projectId: project.id,
      receivedAt: Date.now(),
      action: `shutdown.${n}`,
      actor: '',
      ipHash: '',
      context: null,
    });
    const accepted = Array.from({ length: 200 }, (_, n) => queue.enqueue(AUDIT_JOB, job(n)));
    await receiver.close();
    await Promise.all(accepted);
    await expect(queue.enqueue(AUDIT_JOB, job(999))).rejects.toThrow(/shutting down/);

    const { database: file } = database.options as { database: string };
    const db = new Database(file, { readonly: true });
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM audit_logs').get() as { n: number };
    db.close();
    await database.drop();
    expect(n).toBe(200);
  });
});

describe('group-commit tuning from the environment', () => {
  it('reads whole numbers and keeps the defaults for missing ones', () => {
    expect(
      inlineIngestOptionsFromEnv({
        RECEIVER_INGEST_FLUSH_MS: '10',
        RECEIVER_INGEST_BATCH_SIZE: '250',
      }),
    ).toEqual({ flushIntervalMs: 10, maxBatchSize: 250, maxPending: undefined });
  });

  it.each([
    ['RECEIVER_INGEST_BATCH_SIZE', 'many'],
    ['RECEIVER_INGEST_MAX_PENDING', '-1'],
    ['RECEIVER_INGEST_FLUSH_MS', '4ms'],
  ])('refuses %s=%s naming the variable instead of silently using the default', (name, value) => {
    expect(() => inlineIngestOptionsFromEnv({ [name]: value })).toThrow(
      new RegExp(`${name}.*expected a whole number >= 1`),
    );
  });
});
