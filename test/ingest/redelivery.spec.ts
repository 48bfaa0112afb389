import { IngestBatchProcessor, type IngestJob, newEventId } from '../../receiver/ingest';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import {
  AuditLogEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  LinkClickEntity,
  PageviewEntity,
  TrackedLinkEntity,
} from '../../receiver/storage/entities';
import { TelemetryHostEntity } from '../../receiver/storage/entities/telemetry-host.entity';
import { TelemetrySampleEntity } from '../../receiver/storage/entities/telemetry-sample.entity';
import {
  TELEMETRY_REPORT_JOB,
  type TelemetryReportJob,
} from '../../receiver/telemetry/ingest/telemetry-report.job';
import {
  AUDIT_JOB,
  ERROR_JOB,
  PAGEVIEW_JOB,
  type AuditJob,
  type ErrorJob,
  type PageviewJob,
} from '../../receiver/tracking';
import { describeEachEngine } from '../support/services';
import { useReceiverApp } from '../support/receiver-app';
import {
  createProject,
  dataSourceOf,
  FIREFOX_DESKTOP,
  NO_PLACE,
  pageviewJob,
} from '../tracking/tracking-fixtures';

const device = FIREFOX_DESKTOP;
const geo = NO_PLACE;

describeEachEngine('a redelivered batch is stored once', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });

  /** One job of every tracking kind, as a queue worker would receive them. */
  async function mixedBatch(): Promise<IngestJob[]> {
    const { app } = receiver;
    const project = await createProject(app);
    const link = await dataSourceOf(app)
      .getRepository(TrackedLinkEntity)
      .save({
        project_id: project.id,
        code: `c${project.id}x`,
        destination_url: 'https://example.com/',
        label: '',
        is_active: true,
        created_at: new Date(),
      });
    const host = await dataSourceOf(app)
      .getRepository(TelemetryHostEntity)
      .save({
        project_id: project.id,
        host: `host-${project.id}`,
        status: 'approved',
        response_extras: {},
        first_seen: new Date(),
        last_seen: null,
        report_count: 0,
        avg_interval_seconds: null,
      });
    const receivedAt = Date.now();
    const telemetry: TelemetryReportJob = {
      projectId: project.id,
      hostId: host.id,
      collectedAt: Math.floor(receivedAt / 1000) * 1000,
      receivedAt,
      data: { users: 3, version: '1.0.0' },
      metadata: {},
    };
    const pageview = (url: string) => pageviewJob(project.id, { receivedAt, url });
    const error: ErrorJob = {
      projectId: project.id,
      receivedAt,
      fingerprint: 'f'.repeat(64),
      errorType: 'TypeError',
      message: 'boom',
      file: 'app.js',
      line: 1,
      stack: null,
      url: 'https://example.com/',
      severity: 'error',
      environment: 'production',
      context: null,
      device,
      geo,
    };
    const audit: AuditJob = {
      projectId: project.id,
      receivedAt,
      action: 'user.login',
      actor: 'a@example.com',
      ipHash: '',
      context: null,
    };
    const click: ClickJob = {
      linkId: link.id,
      projectId: project.id,
      referrerUrl: '',
      referrerCategory: 'direct',
      ipHash: '',
      device,
      geo,
      clickedAt: new Date(receivedAt).toISOString(),
    };
    const job = (kind: string, payload: unknown): IngestJob => ({
      id: newEventId(),
      kind,
      payload,
    });
    return [
      job(PAGEVIEW_JOB, pageview('https://example.com/a')),
      job(PAGEVIEW_JOB, pageview('https://example.com/b')),
      job(ERROR_JOB, error),
      job(ERROR_JOB, error),
      job(AUDIT_JOB, audit),
      job(CLICK_JOB, click),
      job(TELEMETRY_REPORT_JOB, telemetry),
    ];
  }

  async function stored(projectId: number) {
    const source = dataSourceOf(receiver.app);
    const where = { project_id: projectId };
    const group = await source.getRepository(ErrorGroupEntity).findOneByOrFail(where);
    const host = await source.getRepository(TelemetryHostEntity).findOneByOrFail(where);
    return {
      pageviews: await source.getRepository(PageviewEntity).countBy(where),
      errors: await source.getRepository(ErrorEventEntity).countBy(where),
      occurrences: group.occurrence_count,
      audits: await source.getRepository(AuditLogEntity).countBy(where),
      clicks: await source.getRepository(LinkClickEntity).countBy(where),
      samples: await source.getRepository(TelemetrySampleEntity).countBy(where),
      reports: host.report_count,
    };
  }
  const once = {
    pageviews: 2,
    errors: 2,
    occurrences: 2,
    audits: 1,
    clicks: 1,
    samples: 2,
    reports: 1,
  };

  it('keeps one row per event and counts error occurrences and host reports once when a worker delivers the batch again', async () => {
    const processor = receiver.app.get(IngestBatchProcessor);
    const jobs = await mixedBatch();
    const projectId = (jobs[0].payload as PageviewJob).projectId;
    expect(await processor.process(jobs)).toEqual(jobs.map(() => undefined));
    expect(await stored(projectId)).toEqual(once);

    const again = jobs.map((job) => ({ ...job, redelivered: true }));
    expect(await processor.process(again)).toEqual(jobs.map(() => undefined));
    expect(await stored(projectId)).toEqual(once);
  });

  it('never stores an event row twice, even when the queue did not flag the redelivery', async () => {
    const processor = receiver.app.get(IngestBatchProcessor);
    const jobs = await mixedBatch();
    const projectId = (jobs[0].payload as PageviewJob).projectId;
    await processor.process(jobs);
    expect(await processor.process(jobs)).toEqual(jobs.map(() => undefined));
    const { pageviews, errors, audits, clicks } = await stored(projectId);
    expect({ pageviews, errors, audits, clicks }).toEqual({
      pageviews: 2,
      errors: 2,
      audits: 1,
      clicks: 1,
    });
  });
});
