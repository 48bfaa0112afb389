export const ReceiverCliMessages = {
  migrated: (names: string[]): string =>
    `Applied ${names.length} migration(s): ${names.join(', ')}`,
  upToDate: 'Receiver schema is up to date.',
  failed: (message: string): string => `Error: ${message}`,
  createUsage:
    'Usage: nestjs-telemetry receiver create-project --name <name> --domains <a.com,b.com> ' +
    '[--token-policy auto|approval] [--signing-secret <secret>] [--database <url>]',
  created: 'Project created. Store the secret key safely: it is not shown again.',
} as const;
