import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import { loadPackage } from '../../lib/packages/peer-packages';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { INGEST_QUEUE } from '../ingest/ingest.constants';
import type { IngestQueue } from '../ingest/interfaces/ingest.interfaces';
import { TelemetryValuesReader } from '../telemetry/hosts/telemetry-values.reader';
import { BATCH_SECONDS_BUCKETS, METRIC_NAMES } from './metrics.constants';
import { MetricsMessages } from './metrics.messages';
import { ReceiverStats, type ReceiverStatsListener } from '../common/stats/receiver-stats';

/** One scrape: the exposition text and its content type. */
export interface Exposition {
  contentType: string;
  body: string;
}

/**
 * The Prometheus exposition: a registry of this receiver's own (never prom-client's global one,
 * which the host application may use), filled by listening to {@link ReceiverStats} and, at each
 * scrape, by reading the latest telemetry values and the queue. Built only when `metrics.token`
 * is set; `prom-client` is loaded then, so an install without metrics does not need it.
 */
@Injectable()
export class PrometheusExporter implements OnModuleInit, OnModuleDestroy {
  private registry: PromClient.Registry | undefined;
  private unlisten: (() => void) | undefined;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    private readonly stats: ReceiverStats,
    private readonly values: TelemetryValuesReader,
  ) {}

  /** Whether `/metrics` is served (a token is configured). */
  get enabled(): boolean {
    return this.registry !== undefined;
  }

  onModuleInit(): void {
    if (!this.options.metricsToken) return;
    const prom = loadPackage<typeof PromClient>('prom-client', MetricsMessages.feature);
    const registry = new prom.Registry();
    this.registry = registry;
    prom.collectDefaultMetrics({ register: registry });
    this.unlisten = this.stats.listen(this.receiverFigures(prom, registry));
    this.telemetryValues(prom, registry);
  }

  onModuleDestroy(): void {
    this.unlisten?.();
    this.registry?.clear();
  }

  async scrape(): Promise<Exposition> {
    const registry = this.registry as PromClient.Registry;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  private receiverFigures(
    prom: typeof PromClient,
    registry: PromClient.Registry,
  ): ReceiverStatsListener {
    const registers = [registry];
    const accepted = new prom.Counter({
      name: METRIC_NAMES.accepted,
      help: 'Events the receiver accepted (answered 2xx), by kind',
      labelNames: ['kind'],
      registers,
    });
    const stored = new prom.Counter({
      name: METRIC_NAMES.stored,
      help: 'Events written to the database, by kind',
      labelNames: ['kind'],
      registers,
    });
    const failed = new prom.Counter({
      name: METRIC_NAMES.failed,
      help: 'Events a batch write could not store, by kind',
      labelNames: ['kind'],
      registers,
    });
    const batchSeconds = new prom.Histogram({
      name: METRIC_NAMES.batchSeconds,
      help: 'Time to write one ingest batch (one transaction, or its retries) to the database',
      buckets: BATCH_SECONDS_BUCKETS,
      registers,
    });
    const queue = this.queue;
    new prom.Gauge({
      name: METRIC_NAMES.queueDepth,
      help: 'Accepted events waiting to be written',
      registers,
      collect() {
        this.set(queue.health().pending);
      },
    });
    let hits = 0;
    let misses = 0;
    const hitCounter = new prom.Counter({
      name: METRIC_NAMES.cacheHits,
      help: 'Analytics answers served from the cache',
      registers,
    });
    const missCounter = new prom.Counter({
      name: METRIC_NAMES.cacheMisses,
      help: 'Analytics answers computed from the database',
      registers,
    });
    new prom.Gauge({
      name: METRIC_NAMES.cacheHitRatio,
      help: 'Share of analytics answers served from the cache since start (0 before any lookup)',
      registers,
      collect() {
        this.set(hits + misses > 0 ? hits / (hits + misses) : 0);
      },
    });
    return {
      accepted: (kind) => accepted.inc({ kind }),
      batchWritten: ({ kinds, seconds }) => {
        batchSeconds.observe(seconds);
        for (const [kind, figures] of kinds) {
          if (figures.stored > 0) stored.inc({ kind }, figures.stored);
          if (figures.failed > 0) failed.inc({ kind }, figures.failed);
        }
      },
      cacheLookup: (hit) => {
        if (hit) {
          hits++;
          hitCounter.inc();
        } else {
          misses++;
          missCounter.inc();
        }
      },
    };
  }

  private telemetryValues(prom: typeof PromClient, registry: PromClient.Registry): void {
    const values = this.values;
    new prom.Gauge({
      name: METRIC_NAMES.telemetryValue,
      help: 'Latest numeric telemetry value of every key of every approved host',
      labelNames: ['project', 'host', 'key'],
      registers: [registry],
      async collect() {
        // Rebuilt at each scrape: a deleted host or key disappears from the next scrape.
        this.reset();
        for (const latest of await values.latestNumbers()) {
          this.set(
            { project: String(latest.projectId), host: latest.host, key: latest.key },
            latest.value,
          );
        }
      },
    });
  }
}
