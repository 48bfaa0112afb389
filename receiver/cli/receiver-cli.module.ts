import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { EnvSource } from '../../lib/protocol';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { resolveReceiverOptions } from '../config/receiver-options.resolver';
import { ALERT_RULES_PROVIDERS } from '../alerts/alerts.module';
import { AlertDeliveriesService } from '../alerts/delivery/alert-deliveries.service';
import { AlertRulesService } from '../alerts/rules/alert-rules.service';
import { PURGE_PROVIDERS } from '../lifecycle/lifecycle.module';
import { ROLLUP_PROVIDERS } from '../rollups/analytics-rollups.module';
import { RollupRebuildService } from '../rollups/rollup-rebuild.service';
import { ImportRollups } from '../micrologs-import/import-rollups';
import { MicrologsImportService } from '../micrologs-import/micrologs-import.service';
import { PurgeService } from '../lifecycle/purge.service';
import { LinksRepository } from '../links/links.repository';
import { ProjectEvents } from '../projects/project.events';
import { ProjectDataRegistry } from '../projects/project-data.registry';
import { ProjectKeysService } from '../projects/project-keys.service';
import { ProjectsService } from '../projects/projects.service';
import { LinkClicksPrivacyOwner } from '../links/link-clicks.privacy-owner';
import { PersonalDataRegistry } from '../privacy/personal-data.registry';
import { PRIVACY_PROVIDERS } from '../privacy/privacy.module';
import { PrivacyService } from '../privacy/privacy.service';
import { AuditDataOwner } from '../tracking/privacy/audit-data.owner';
import { ErrorDataOwner } from '../tracking/privacy/error-data.owner';
import { VisitorDataOwner } from '../tracking/privacy/visitor-data.owner';
import { RECEIVER_DATA_SOURCE } from '../storage/storage.constants';
import { ReceiverStorageLifecycle } from '../storage/storage.lifecycle';
import { receiverDataSourceProvider } from '../storage/storage.providers';
import { TelemetryRepository } from '../telemetry/telemetry.repository';
import { TrackingRepository } from '../tracking/tracking.repository';

/**
 * The slice of the receiver a CLI command boots: the options, the storage exactly as the module
 * wires it (data source provider, closed on shutdown) and `ProjectsService`, the retention purge, the rollup rebuild and the Micrologs import — without the
 * projects controller and its guards, no HTTP, no ingest queue, no timers, no Redis.
 */
@Module({})
export class ReceiverCliModule {
  static forDatabase(database: DataSourceOptions, env: EnvSource = process.env): DynamicModule {
    return {
      module: ReceiverCliModule,
      providers: [
        {
          provide: RECEIVER_OPTIONS,
          // The other options come from the environment as for the server (time zone…). The CLI
          // serves no request, so the admin key and IP salt the resolver insists on are random
          // values nobody holds rather than settings a user must provide.
          useFactory: () =>
            resolveReceiverOptions(
              {
                database,
                migrationsRun: false,
                adminKey: randomBytes(32).toString('hex'),
                ipHashSalt: randomBytes(32).toString('hex'),
              },
              env,
            ),
        },
        receiverDataSourceProvider,
        ReceiverStorageLifecycle,
        ProjectEvents,
        ProjectKeysService,
        ProjectsService,
        // Every domain's project data, so ProjectsService counts and deletes here as in the server.
        ProjectDataRegistry,
        TrackingRepository,
        LinksRepository,
        TelemetryRepository,
        ...PURGE_PROVIDERS,
        ...ROLLUP_PROVIDERS,
        ImportRollups,
        MicrologsImportService,
        // Every domain's personal data, so a privacy request covers here what it covers there.
        PersonalDataRegistry,
        VisitorDataOwner,
        ErrorDataOwner,
        AuditDataOwner,
        LinkClicksPrivacyOwner,
        ...PRIVACY_PROVIDERS,
        // Alert rules and the delivery log (their owner also deletes them with a project).
        ...ALERT_RULES_PROVIDERS,
      ],
    };
  }
}

/** What a receiver command works with. */
export interface ReceiverCliContext {
  dataSource: DataSource;
  projects: ProjectsService;
  /** The retention purge (no timer: a CLI process runs it once). */
  purge: PurgeService;
  /** Builds the analytics rollups from the raw rows. */
  rollups: RollupRebuildService;
  /** Copies a Micrologs database into the receiver's. */
  micrologsImport: MicrologsImportService;
  /** Access and erasure requests (the API's service, without the analytics cache). */
  privacy: PrivacyService;
  /** Alert rules (the API's service). */
  alertRules: AlertRulesService;
  /** The alert delivery log and test messages. */
  alertDeliveries: AlertDeliveriesService;
  /** Applies pending migrations; the names of those applied, oldest first. */
  migrate(): Promise<string[]>;
}

/**
 * Boots {@link ReceiverCliModule} on `database` (the other options from `env`), runs `work`, and
 * always closes the context.
 */
export async function withReceiverContext<T>(
  database: DataSourceOptions,
  env: EnvSource,
  work: (context: ReceiverCliContext) => Promise<T>,
): Promise<T> {
  const module = ReceiverCliModule.forDatabase(database, env);
  const app = await NestFactory.createApplicationContext(module, {
    // Failures reach the command, which prints their message; Nest's own stack dump would bury it.
    logger: false,
    abortOnError: false,
  });
  try {
    const dataSource = app.get<DataSource>(RECEIVER_DATA_SOURCE);
    return await work({
      dataSource,
      projects: app.get(ProjectsService),
      purge: app.get(PurgeService),
      rollups: app.get(RollupRebuildService),
      privacy: app.get(PrivacyService),
      micrologsImport: app.get(MicrologsImportService),
      alertRules: app.get(AlertRulesService),
      alertDeliveries: app.get(AlertDeliveriesService),
      migrate: async () =>
        (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name),
    });
  } finally {
    await app.close();
  }
}
