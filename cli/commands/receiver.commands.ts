import type { CliCommand } from '../cli-command.interface';

const DATABASE_OPTION: [string, string] = [
  '--database <url>',
  'sqlite:<file>, postgres://… or mysql://… (default RECEIVER_DATABASE_URL, else ./data/receiver.sqlite)',
];

// The receiver is loaded only when a receiver command runs, so the client commands never pay for
// TypeORM and the database drivers.
const receiverCli = () => import('../../receiver/cli');

/** `receiver migrate`: applies the receiver's pending migrations to its database. */
export const receiverMigrateCommand: CliCommand = {
  name: 'receiver migrate',
  description: 'Apply the ReceiverModule database migrations',
  options: [DATABASE_OPTION],
  run: async (options, output) => (await receiverCli()).runReceiverMigrate(options, output),
};

/** `receiver create-project`: creates a Micrologs project and prints its keys. */
export const receiverCreateProjectCommand: CliCommand = {
  name: 'receiver create-project',
  description: 'Create a receiver project and print its secret and public keys',
  options: [
    ['--name <name>', 'project name (required)'],
    ['--domains <a.com,b.com>', 'domains allowed to send pageviews with the public key (required)'],
    ['--token-policy <auto|approval>', 'how telemetry hosts get bearer tokens (default auto)'],
    ['--signing-secret <secret>', 'HMAC secret telemetry reports must be signed with'],
    DATABASE_OPTION,
  ],
  run: async (options, output) => (await receiverCli()).runReceiverCreateProject(options, output),
};
