import { ProtocolMessages, type OptionScope } from './protocol.messages';

/** Environment variables, as `process.env` (also the type of `ReceiverFileLogger.fromEnv`'s argument). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** @internal A configuration value that would make the application run other than asked. */
export class InvalidOptionError extends Error {}

const TRUE_WORDS = ['true', '(true)', '1', 'yes', 'on'];
// `empty` / `(empty)` read as '' (Laravel's convention), which PHP — and so this reader — takes as false.
const FALSE_WORDS = ['false', '(false)', '0', 'no', 'off', ''];
const BOOLEAN_EXPECTED = 'true or false (also 1/0, yes/no, on/off)';

/** @internal Bounds of a whole-number option. */
export interface IntegerRange {
  min?: number;
  max?: number;
}

/**
 * @internal
 * The one strict reader of configuration that both halves use (`TELEMETRY_*` on the client,
 * `RECEIVER_*` on the receiver). Values follow the Laravel package's conventions (`true`,
 * `(true)`, `false`, `null`, `empty`); anything else that is not what the option takes — a
 * misspelt boolean, a number with a unit, an unknown mode — throws an {@link InvalidOptionError}
 * naming the option, the variable and the accepted values, so the application refuses to start
 * instead of running in a mode nobody chose.
 *
 * Each typed method takes the value given in code (`forRoot()` options) first: a value of the
 * right type wins, a string is read with the same rules as the variable (so a `ConfigService`
 * string works), anything else is refused; when it is `undefined`, the variable is read.
 */
export class EnvReader {
  constructor(
    private readonly env: EnvSource,
    private readonly scope: OptionScope,
  ) {}

  /** A variable's text: trimmed; unset, empty, `null` and `(null)` are `undefined`; `empty` is ''. */
  string(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined) return undefined;
    const value = raw.trim();
    if (value === '' || value === 'null' || value === '(null)') return undefined;
    if (value === 'empty' || value === '(empty)') return '';
    return value;
  }

  boolean(option: string, name: string, given?: unknown): boolean | undefined {
    if (typeof given === 'boolean') return given;
    const [value, from] = this.pick(given, name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      const lower = value.toLowerCase();
      if (TRUE_WORDS.includes(lower)) return true;
      if (FALSE_WORDS.includes(lower)) return false;
    }
    return this.fail(option, from, value, BOOLEAN_EXPECTED);
  }

  integer(
    option: string,
    name: string,
    range: IntegerRange = {},
    given?: unknown,
  ): number | undefined {
    const [value, from] = this.pick(given, name);
    if (value === undefined) return undefined;
    const parsed =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^[+-]?\d+$/.test(value)
          ? Number(value)
          : NaN;
    const { min, max } = range;
    const inRange =
      Number.isSafeInteger(parsed) &&
      (min === undefined || parsed >= min) &&
      (max === undefined || parsed <= max);
    if (inRange) return parsed;
    return this.fail(option, from, value, describeRange(range));
  }

  /** One of `values`, compared exactly (modes and kinds are lower-case words). */
  oneOf<T extends string>(
    option: string,
    name: string,
    values: readonly T[],
    given?: unknown,
  ): T | undefined {
    const [value, from] = this.pick(given, name);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) {
      return value as T;
    }
    return this.fail(option, from, value, values.map((v) => `"${v}"`).join(' or '));
  }

  /** A JSON document (e.g. an object of headers); its shape is the caller's to check. */
  json(option: string, name: string): unknown {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return this.fail(option, name, value, 'a JSON document');
    }
  }

  /** A comma-separated list (or an array given in code), trimmed, empty entries dropped. */
  list(option: string, name: string, given?: unknown): string[] | undefined {
    const [value, from] = this.pick(given, name);
    if (value === undefined) return undefined;
    const entries = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',')
        : [];
    if (
      (!Array.isArray(value) && typeof value !== 'string') ||
      entries.some((entry) => typeof entry !== 'string')
    ) {
      return this.fail(option, from, value, 'a list of strings (or a comma-separated string)');
    }
    return (entries as string[]).map((entry) => entry.trim()).filter(Boolean);
  }

  /**
   * Throws the reader's error for a check the caller makes itself (a URL, a time zone…).
   * `name` is the variable when the value came from the environment, `undefined` when from code.
   */
  fail(option: string, name: string | undefined, value: unknown, expected: string): never {
    throw new InvalidOptionError(
      ProtocolMessages.invalidOption(this.scope, option, name, value, expected),
    );
  }

  // The value to check and where it came from (the variable's name, or undefined for code).
  private pick(given: unknown, name: string): [unknown, string | undefined] {
    if (given !== undefined) {
      return [typeof given === 'string' ? given.trim() : given, undefined];
    }
    return [this.string(name), name];
  }
}

function describeRange({ min, max }: IntegerRange): string {
  if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`;
  if (min !== undefined) return `a whole number >= ${min}`;
  if (max !== undefined) return `a whole number <= ${max}`;
  return 'a whole number';
}
