import { TelemetryMessages } from '../telemetry.messages';

type Env = Record<string, string | undefined>;

/**
 * Reads environment variables with the conventions of the Laravel package (`true`, `(true)`,
 * `false`, `null`, `empty`), and turns malformed values into a start-up error naming the variable.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined) return undefined;
    const value = raw.trim();
    if (value === '' || value === 'null' || value === '(null)') return undefined;
    if (value === 'empty' || value === '(empty)') return '';
    return value;
  }

  boolean(name: string, option: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (['true', '(true)', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '(false)', '0', 'no', 'off', ''].includes(lower)) return false;
    throw new Error(TelemetryMessages.invalidOption(option, name, value, 'true or false'));
  }

  integer(name: string, option: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) {
      throw new Error(TelemetryMessages.invalidOption(option, name, value, 'a whole number'));
    }
    return parsed;
  }

  json(name: string, option: string): unknown {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      throw new Error(TelemetryMessages.invalidOption(option, name, value, 'a JSON object'));
    }
  }
}
