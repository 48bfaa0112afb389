import { hasLoneSurrogate } from '../protocol/lone-surrogate';

/** Result of checking that a collected value can travel as JSON. */
export type JsonValueCheck = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Converts a collected value to its JSON form (Dates become ISO strings through `toJSON`) and
 * refuses what JSON would silently change or cannot carry: `undefined`, BigInt, functions,
 * symbols, NaN/Infinity, cycles and strings (values or keys) that are not valid Unicode. Refusing
 * beats reporting a value the user did not return, or a payload a receiver cannot decode.
 */
export function toJsonValue(value: unknown): JsonValueCheck {
  if (value === undefined) return { ok: false, reason: 'the method returned undefined' };
  let problem: string | undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (key, item: unknown) => {
      if (problem) return undefined;
      if (hasLoneSurrogate(key) || (typeof item === 'string' && hasLoneSurrogate(item))) {
        problem = 'a lone UTF-16 surrogate, which has no UTF-8 form';
      } else if (typeof item === 'function') problem = 'a function';
      else if (typeof item === 'symbol') problem = 'a symbol';
      else if (typeof item === 'bigint') problem = 'a BigInt';
      else if (typeof item === 'number' && !Number.isFinite(item)) problem = String(item);
      return item;
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (problem) return { ok: false, reason: `it contains ${problem}` };
  if (json === undefined) return { ok: false, reason: 'it has no JSON form' };
  return { ok: true, value: JSON.parse(json) as unknown };
}
