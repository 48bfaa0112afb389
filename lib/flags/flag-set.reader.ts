import type { FeatureFlagValue } from './interfaces/feature-flags.interface';

/**
 * A complete flag set as the server wrote it: a JSON object of flag name → value. A PHP server
 * writes an empty associative array as `[]` (json_encode cannot tell it from a list), so an empty
 * list is the empty set: the server removed every flag. Anything else is not a flag set.
 */
export function readFlagSet(value: unknown): Record<string, FeatureFlagValue> | undefined {
  if (Array.isArray(value)) return value.length === 0 ? {} : undefined;
  return typeof value === 'object' && value !== null
    ? (value as Record<string, FeatureFlagValue>)
    : undefined;
}

/**
 * The flag `name` of a set, `undefined` unless it is one of the set's own keys: `constructor` or
 * `toString` is a flag only when the server sent one, never the inherited `Object.prototype` member.
 */
export function flagOf(
  flags: Readonly<Record<string, FeatureFlagValue>>,
  name: string,
): FeatureFlagValue | undefined {
  return Object.hasOwn(flags, name) ? flags[name] : undefined;
}

/**
 * A copy of a flag set frozen all the way down: an object or list flag handed to a caller
 * (`getValue`, `getAll`, OpenFeature's object evaluation) cannot change the flags every other
 * caller reads.
 */
export function frozenFlagSet(
  flags: Readonly<Record<string, FeatureFlagValue>>,
): Readonly<Record<string, FeatureFlagValue>> {
  return deepFreeze(structuredClone(flags));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
