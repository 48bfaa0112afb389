import { Injectable } from '@nestjs/common';
import { CommittedEventsBus, type CommittedEvent } from '../../receiver/events';
import {
  IngestBatchProcessor,
  IngestHandlerRegistry,
  newEventId,
  type IngestHandler,
  type IngestJob,
} from '../../receiver/ingest';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import {
  ErrorGroupEntity,
  PageviewEntity,
  TrackedLinkEntity,
} from '../../receiver/storage/entities';
import { TelemetryHostEntity } from '../../receiver/storage/entities/telemetry-host.entity';
import {
  TELEMETRY_REPORT_JOB,
  telemetryReportJob,
} from '../../receiver/telemetry/ingest/telemetry-report.job';
import { PAGEVIEW_JOB } from '../../receiver/tracking';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  pageviewJob,
  testHeaders,
} from '../tracking/tracking-fixtures';

/** A job kind whose handler always fails: its batch rolls back. */
@Injectable()
class FailingHandler implements IngestHandler {
  readonly kind = 'always-fails';
  async handle(): Promise<void> {
    throw new Error('this handler refuses every event');
  }
}

describeEachEngine('committed events', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  let received: CommittedEvent[] = [];
  let unsubscribe: () => void = () => undefined;

  beforeEach(() => {
    received = [];
    unsubscribe = receiver.app.get(CommittedEventsBus).subscribe((events) => {
      received.push(...events);
    });
  });
  afterEach(() => unsubscribe());

  it('publishes a stored pageview once its batch committed, with its visitor and session', async () => {
    const project = await createProject(receiver.app);
    const body = pageviewBody({ url: 'https://shop.example.com/live', page_title: 'Live' });
    // The listener looks the row up: it must already be visible to another connection.
    const visible: boolean[] = [];
    const stop = receiver.app.get(CommittedEventsBus).subscribe(async (events) => {
      for (const event of events) {
        if (event.type !== 'pageview') continue;
        const row = await dataSourceOf(receiver.app)
          .getRepository(PageviewEntity)
          .findOneBy({ event_id: event.eventId });
        visible.push(row !== null);
      }
    });
    try {
      const path = '/api/track/pageview.php';
      const first = await receiver.http.post(path, body, testHeaders(project.publicKey));
      expect(first.status).toBe(202);
      const second = await receiver.http.post(
        path,
        { ...body, url: 'https://shop.example.com/next' },
        testHeaders(project.publicKey),
      );
      expect(second.status).toBe(202);
    } finally {
      stop();
    }
    const pageviews = received.filter((e) => e.type === 'pageview');
    expect(pageviews).toEqual([
      expect.objectContaining({
        type: 'pageview',
        projectId: project.id,
        url: 'https://shop.example.com/live',
        title: 'Live',
        isNewSession: true,
      }),
      expect.objectContaining({ url: 'https://shop.example.com/next', isNewSession: false }),
    ]);
    const [a, b] = pageviews as Extract<CommittedEvent, { type: 'pageview' }>[];
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.visitorId).toBe(a.visitorId);
    await waitFor(() => visible.length === 2);
    expect(visible).toEqual([true, true]);
  });

  it('marks an error of a new group, counts its occurrences and flags a resolved group that recurs', async () => {
    const project = await createProject(receiver.app);
    const send = async () => {
      const response = await receiver.http.post(
        '/api/track/error.php',
        { message: 'Payment failed', error_type: 'PaymentError', severity: 'critical' },
        testHeaders(project.secretKey),
      );
      expect(response.status).toBe(202);
    };
    await send();
    await send();
    await dataSourceOf(receiver.app)
      .getRepository(ErrorGroupEntity)
      .update({ project_id: project.id }, { status: 'resolved' });
    await send();
    const errors = received.filter((e) => e.type === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        projectId: project.id,
        message: 'Payment failed',
        errorType: 'PaymentError',
        severity: 'critical',
        newGroup: true,
        regression: false,
        occurrences: 1,
      }),
      expect.objectContaining({ newGroup: false, regression: false, occurrences: 2 }),
      expect.objectContaining({ newGroup: false, regression: true, occurrences: 3 }),
    ]);
    const groupIds = new Set(errors.map((e) => (e as { groupId: number }).groupId));
    expect(groupIds.size).toBe(1);
  });

  it('publishes nothing for a batch that rolled back, only what its retried halves committed', async () => {
    const registry = receiver.app.get(IngestHandlerRegistry);
    if (!registry.has('always-fails')) registry.register(new FailingHandler());
    const project = await createProject(receiver.app);
    const pageview = pageviewJob(project.id, { url: 'https://example.com/rolled-back' });
    const jobs: IngestJob[] = [
      { id: newEventId(), kind: PAGEVIEW_JOB, payload: pageview },
      { id: newEventId(), kind: 'always-fails', payload: {} },
    ];
    const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(Error);
    // The whole batch rolled back first, then the pageview was committed alone: one event.
    expect(received.map((e) => (e as { eventId?: string }).eventId)).toEqual([jobs[0].id]);

    received = [];
    const alone: IngestJob[] = [{ id: newEventId(), kind: 'always-fails', payload: {} }];
    await receiver.app.get(IngestBatchProcessor).process(alone);
    expect(received).toEqual([]);
  });

  it('publishes stored link clicks and telemetry reports, not a repeated report', async () => {
    const project = await createProject(receiver.app);
    const source = dataSourceOf(receiver.app);
    const link = await source.getRepository(TrackedLinkEntity).save({
      project_id: project.id,
      code: `e${project.id}x`,
      destination_url: 'https://example.com/',
      label: '',
      is_active: true,
      created_at: new Date(),
    });
    const host = await source.getRepository(TelemetryHostEntity).save({
      project_id: project.id,
      host: 'api-1.example.com',
      status: 'approved',
      response_extras: {},
      first_seen: new Date(),
      last_seen: null,
      report_count: 0,
      avg_interval_seconds: null,
    });
    const now = Date.now();
    const click: ClickJob = {
      linkId: link.id,
      projectId: project.id,
      referrerUrl: '',
      referrerCategory: 'direct',
      ipHash: '',
      device: { deviceType: 'desktop', os: 'Linux', browser: 'Firefox', browserVersion: '128' },
      geo: { country: '', countryCode: '', region: '', city: '' },
      clickedAt: new Date(now).toISOString(),
    };
    const report = telemetryReportJob(
      host,
      {
        host: host.host,
        collectedAt: new Date(Math.floor(now / 1000) * 1000),
        data: { queue: 7 },
        metadata: {},
      },
      now,
    );
    const processor = receiver.app.get(IngestBatchProcessor);
    const jobs: IngestJob[] = [
      { id: newEventId(), kind: CLICK_JOB, payload: click },
      { id: newEventId(), kind: TELEMETRY_REPORT_JOB, payload: report },
    ];
    await processor.process(jobs);
    expect(received).toEqual([
      expect.objectContaining({ type: 'click', projectId: project.id, linkId: link.id }),
      expect.objectContaining({
        type: 'telemetry',
        projectId: project.id,
        hostId: host.id,
        host: 'api-1.example.com',
        values: { queue: 7 },
        reportedAt: Math.floor(now / 1000) * 1000,
      }),
    ]);
    received = [];
    await processor.process([{ id: newEventId(), kind: TELEMETRY_REPORT_JOB, payload: report }]);
    expect(received).toEqual([]);
  });

  it('keeps ingesting when a listener throws, and other listeners still receive', async () => {
    const bus = receiver.app.get(CommittedEventsBus);
    const stopThrowing = bus.subscribe(() => {
      throw new Error('listener bug');
    });
    const stopRejecting = bus.subscribe(() => Promise.reject(new Error('async listener bug')));
    try {
      const project = await createProject(receiver.app);
      for (let i = 0; i < 2; i++) {
        const response = await receiver.http.post(
          '/api/track/audit.php',
          { action: 'user.login', actor: `a${i}@example.com` },
          testHeaders(project.secretKey),
        );
        expect(response.status).toBe(202);
      }
      expect(received.filter((e) => e.type === 'audit')).toEqual([
        expect.objectContaining({
          projectId: project.id,
          action: 'user.login',
          actor: 'a0@example.com',
        }),
        expect.objectContaining({ actor: 'a1@example.com' }),
      ]);
    } finally {
      stopThrowing();
      stopRejecting();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
