import { FEATURE_FLAGS_KEY } from '../protocol';
import type { FeatureFlagValue } from '../flags/interfaces/feature-flags.interface';

const isObject = (value: unknown): value is Record<string, FeatureFlagValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The flags in a flags-endpoint answer: `{"feature_flags": {...}}` (the same key as report answers,
 * which ReceiverModule uses) or a bare `{name: value}` object. `undefined` when neither.
 */
export function readFlagsAnswer(body: unknown): Record<string, FeatureFlagValue> | undefined {
  if (!isObject(body)) return undefined;
  const wrapped = body[FEATURE_FLAGS_KEY];
  return isObject(wrapped) ? wrapped : body;
}
