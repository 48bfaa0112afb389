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
