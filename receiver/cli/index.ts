import '../receiver.packages';
export type { ReceiverCliOptions, ReceiverCliOutput } from './receiver-cli.runner';
export { runReceiverMigrate } from './receiver-migrate.command';
export { runReceiverCreateProject } from './receiver-create-project.command';
export { runReceiverPurge } from './receiver-purge.command';
export { runReceiverRebuildRollups } from './receiver-rebuild-rollups.command';
export { runReceiverEraseVisitor, runReceiverExportVisitor } from './receiver-privacy.command';
export { runReceiverWorker } from './receiver-worker.command';
export {
  runReceiverAlertsCreate,
  runReceiverAlertsDeliveries,
  runReceiverAlertsDelete,
  runReceiverAlertsList,
  runReceiverAlertsTest,
} from './receiver-alerts.command';
