import type { CliCommand } from '../cli-command.interface';
import {
  deadLettersCommand,
  deadLettersDropCommand,
  deadLettersRetryCommand,
} from './dead-letters.command';
import { listCommand } from './list.command';
import { RECEIVER_ALERTS_COMMANDS } from './receiver-alerts.commands';
import {
  receiverCreateProjectCommand,
  receiverEraseVisitorCommand,
  receiverExportVisitorCommand,
  receiverImportMicrologsCommand,
  receiverMigrateCommand,
  receiverPurgeCommand,
  receiverRebuildRollupsCommand,
  receiverWorkerCommand,
} from './receiver.commands';
import { reportCommand } from './report.command';
import { syncFlagsCommand } from './sync-flags.command';

/**
 * Every command of the `nestjs-telemetry` binary. Adding a command = one file exporting a
 * `CliCommand` + one line here.
 */
export const COMMANDS: CliCommand[] = [
  listCommand,
  reportCommand,
  syncFlagsCommand,
  deadLettersCommand,
  deadLettersRetryCommand,
  deadLettersDropCommand,
  receiverMigrateCommand,
  receiverCreateProjectCommand,
  receiverPurgeCommand,
  receiverRebuildRollupsCommand,
  receiverImportMicrologsCommand,
  receiverExportVisitorCommand,
  receiverEraseVisitorCommand,
  receiverWorkerCommand,
  ...RECEIVER_ALERTS_COMMANDS,
];
