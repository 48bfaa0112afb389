import type { INestApplicationContext, Type } from '@nestjs/common';
import { CliMessages } from '../cli.messages';

/** The `--module` option every application command takes. */
export const MODULE_OPTION: [string, string] = [
  '--module <file>',
  'compiled .js or .ts file exporting the root module (default export or AppModule)',
];

/** A TelemetryModule service from the booted application, or a clear error when it is absent. */
export function telemetryService<T>(app: INestApplicationContext, type: Type<T>): T {
  try {
    return app.get(type, { strict: false });
  } catch {
    throw new Error(CliMessages.noTelemetryModule());
  }
}
