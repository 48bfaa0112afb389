import type { INestApplicationContext } from '@nestjs/common';
import { FeatureFlagsService } from '../../lib/flags/feature-flags.service';
import { FeatureFlagsSynchronizer } from '../../lib/flags/feature-flags.synchronizer';
import type { ResolvedTelemetryOptions } from '../../lib/options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../../lib/telemetry.constants';
import { resolveFlagsUrl } from '../../lib/transport/flags-url';
import { withApplication } from '../application.loader';
import { CliMessages } from '../cli.messages';
import type { CliCommand, CliOutput } from '../cli-command.interface';
import { renderTable } from '../table';
import { MODULE_OPTION, telemetryService } from './command.helpers';
import { SyncFlagsMessages } from './sync-flags.messages';

/**
 * `sync-flags`: fetches the feature flags now, persists them in the telemetry store (so the app
 * starts with them next time) and prints them; exits 1 when they could not be fetched.
 */
export const syncFlagsCommand: CliCommand = {
  name: 'sync-flags',
  description: 'Fetch the feature flags now, persist them and print them',
  options: [MODULE_OPTION],
  run: (options, output) => withApplication(options, (app) => syncFlags(app, output)),
};

async function syncFlags(app: INestApplicationContext, output: CliOutput): Promise<number> {
  const config = app.get<ResolvedTelemetryOptions>(TELEMETRY_OPTIONS, { strict: false });
  if (!config.enabled) {
    output.out(CliMessages.disabled());
    return 0;
  }
  const synchronizer = telemetryService(app, FeatureFlagsSynchronizer);
  const flags = telemetryService(app, FeatureFlagsService);
  const result = await synchronizer.syncNow();
  if (!result.ok) {
    output.err(SyncFlagsMessages.failed(result.error ?? 'no answer'));
    return 1;
  }
  const all = flags.getAll();
  const names = Object.keys(all).sort();
  if (names.length === 0) output.out(SyncFlagsMessages.noFlags());
  else
    output.out(
      renderTable(
        ['Flag', 'Value'],
        names.map((name) => [name, JSON.stringify(all[name])]),
      ),
    );
  const url = resolveFlagsUrl(config) ?? '';
  output.out(
    result.notModified
      ? SyncFlagsMessages.notModified(url, names.length)
      : SyncFlagsMessages.synced(url, names.length),
  );
  return 0;
}
