import type { CliCommand, CliOptionSpec } from '../cli-command.interface';

const DATABASE_OPTIONS: Record<string, CliOptionSpec> = {
  database: {
    type: 'string',
    value: '<url>',
    description:
      'sqlite:<file>, postgres://… or mysql://… (default: RECEIVER_DATABASE_URL, else ' +
      './data/receiver.sqlite when it exists)',
  },
  create: {
    type: 'boolean',
    description: 'create ./data/receiver.sqlite when no database is given and it does not exist',
  },
};

// The receiver is loaded only when a receiver command runs, so the client commands never pay for
// TypeORM and the database drivers.
const receiverCli = () => import('../../receiver/cli');

/** `receiver migrate`: applies the receiver's pending migrations to its database. */
export const receiverMigrateCommand: CliCommand = {
  name: 'receiver migrate',
  description: 'Apply the ReceiverModule database migrations',
  options: DATABASE_OPTIONS,
  run: async (options, output) => (await receiverCli()).runReceiverMigrate(options, output),
};

/** `receiver create-project`: creates a Micrologs project and prints its keys. */
export const receiverCreateProjectCommand: CliCommand = {
  name: 'receiver create-project',
  description: 'Create a receiver project and print its secret and public keys',
  options: {
    name: { type: 'string', value: '<name>', description: 'project name', required: true },
    domains: {
      type: 'string',
      value: '<a.com,b.com>',
      description: 'domains allowed to send pageviews with the public key',
      required: true,
    },
    'token-policy': {
      type: 'string',
      value: '<auto|approval>',
      description: 'how telemetry hosts get bearer tokens (default auto)',
    },
    'signing-secret': {
      type: 'string',
      value: '<secret>',
      description: 'HMAC secret telemetry reports must be signed with (16–128 characters)',
    },
    ...DATABASE_OPTIONS,
  },
  run: async (options, output) => (await receiverCli()).runReceiverCreateProject(options, output),
};

/** `receiver purge`: deletes data older than the retention periods (or counts it). */
export const receiverPurgeCommand: CliCommand = {
  name: 'receiver purge',
  description: 'Delete receiver data older than its retention periods',
  options: {
    'dry-run': {
      type: 'boolean',
      description: 'count the rows the purge would delete, delete nothing',
    },
    database: DATABASE_OPTIONS.database,
  },
  run: async (options, output) => (await receiverCli()).runReceiverPurge(options, output),
};

/** `receiver rebuild-rollups`: builds the analytics rollups from the stored pageviews. */
export const receiverRebuildRollupsCommand: CliCommand = {
  name: 'receiver rebuild-rollups',
  description:
    'Build the analytics rollups from stored pageviews (once for older data, and after a time-zone change; resumable)',
  options: { database: DATABASE_OPTIONS.database },
  run: async (options, output) =>
    (await receiverCli()).runReceiverRebuildRollups(options, output, process.env, process.stdout),
};

/** `receiver import-micrologs`: copies a Micrologs v2 database into the receiver's. */
export const receiverImportMicrologsCommand: CliCommand = {
  name: 'receiver import-micrologs',
  description:
    'Copy a Micrologs v2 database (projects with their keys, traffic, errors, audits, links) into the receiver database; re-run to resume',
  options: {
    from: {
      type: 'string',
      value: '<mysql://…>',
      description: 'the Micrologs database: mysql://user:password@host:port/database',
      required: true,
    },
    timezone: {
      type: 'string',
      value: '<zone>',
      description:
        'IANA time zone of the Micrologs timestamps (its TIMEZONE setting; default: RECEIVER_TIMEZONE)',
    },
    ...DATABASE_OPTIONS,
  },
  run: async (options, output) =>
    (await receiverCli()).runReceiverImportMicrologs(options, output, process.env, process.stderr),
};

const VISITOR_OPTIONS: Record<string, CliOptionSpec> = {
  project: { type: 'string', value: '<id>', description: 'project id', required: true },
  visitor: {
    type: 'string',
    value: '<id>',
    description: 'the visitor id the client sent (the `_ml_vid` cookie value in cookie mode)',
    required: true,
  },
  'requested-by': {
    type: 'string',
    value: '<who>',
    description: 'who asked (a name or ticket), kept in the privacy request log',
  },
  database: DATABASE_OPTIONS.database,
};

/** `receiver export-visitor`: prints everything stored about one visitor as JSON (GDPR Art. 15). */
export const receiverExportVisitorCommand: CliCommand = {
  name: 'receiver export-visitor',
  description: 'Print everything stored about one visitor as JSON (GDPR Art. 15)',
  options: VISITOR_OPTIONS,
  run: async (options, output) => (await receiverCli()).runReceiverExportVisitor(options, output),
};

/** `receiver erase-visitor`: deletes everything stored about one visitor (GDPR Art. 17). */
export const receiverEraseVisitorCommand: CliCommand = {
  name: 'receiver erase-visitor',
  description: 'Delete everything stored about one visitor (GDPR Art. 17)',
  options: VISITOR_OPTIONS,
  run: async (options, output) => (await receiverCli()).runReceiverEraseVisitor(options, output),
};

/** `receiver worker`: runs Redis queue workers (the receiver without HTTP) until SIGTERM. */
export const receiverWorkerCommand: CliCommand = {
  name: 'receiver worker',
  description:
    'Run Redis queue workers: write queued events to the database (RECEIVER_QUEUE=redis)',
  options: {
    concurrency: {
      type: 'string',
      value: '<n>',
      description: 'worker loops in this process, one batch each at a time (default 1)',
    },
    kinds: {
      type: 'string',
      value: '<pageview,error,…>',
      description: 'kinds of event to take (default: all)',
    },
    database: DATABASE_OPTIONS.database,
  },
  run: async (options, output) => (await receiverCli()).runReceiverWorker(options, output),
};
