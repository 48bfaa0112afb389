/** Texts the CLI prints. */
export const CliMessages = {
  unknownCommand: (words: string) =>
    `Unknown command "${words}". Run "nestjs-telemetry help" for the list.`,
  moduleRequired: () =>
    'The --module <file> option is required (a .js or .ts file exporting the root module).',
  moduleNotFound: (file: string) => `Module file ${file} does not exist.`,
  noRootModule: (file: string) => `${file} exports neither a default export nor AppModule.`,
  noTelemetryModule: () => 'The application does not import TelemetryModule.',
  noCollectors: () => 'No telemetry data collectors found.',
  disabled: () => 'Telemetry disabled via config.',
  collected: (count: number, failed: string[]) =>
    `Collected ${count} value(s)${failed.length ? `; failed: ${failed.join(', ')}` : ''}.`,
  nothingToSend: () => 'Nothing to send: the outbox is empty.',
  posted: (url: string, payloads: number, entries: number) =>
    `Telemetry posted to ${url}: ${payloads} payload(s), ${entries} value(s).`,
  locked: (remaining: number) =>
    `Another process is sending the backlog right now; ${remaining} value(s) wait in the outbox.`,
  failed: (reason: string, remaining: number) =>
    `Failed to send telemetry data (${reason}); ${remaining} value(s) kept in the outbox.`,
  unconfigured: () => 'Failed to send telemetry data: Telemetry server URL is not configured.',
} as const;
