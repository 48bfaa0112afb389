import type { TelemetryCliAccess } from '../../lib/cli/telemetry-cli.access';
import { resolveFlagsUrl } from '../../lib/transport/flags-url';
import { MODULE_OPTION, withTelemetry } from '../application.loader';
import { CliMessages } from '../cli.messages';
import type { CliCommand, CliOutput } from '../cli-command.interface';
import { renderTable } from '../table';
import { SyncFlagsMessages } from './sync-flags.messages';

/**
 * `sync-flags`: fetches the feature flags now, persists them in the telemetry store (so the app
 * starts with them next time) and prints them; exits 1 when they could not be fetched.
 */
export const syncFlagsCommand: CliCommand = {
  name: 'sync-flags',
  description: 'Fetch the feature flags now, persist them and print them',
  options: MODULE_OPTION,
  run: (options, output) => withTelemetry(options, (telemetry) => syncFlags(telemetry, output)),
};

async function syncFlags(
  { options: config, synchronizer, flags }: TelemetryCliAccess,
  output: CliOutput,
): Promise<number> {
  if (!config.enabled) {
    output.out(CliMessages.disabled());
    return 0;
  }
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
