import type { TelemetryBatchAnswer } from '../protocol';

/** A batch answer, read: what was stored, what was refused, and the keys for response handlers. */
export interface ReadBatchAnswer {
  stored: Set<number>;
  refused: Map<number, string>;
  /** The answer without `stored` and `refused`: what the response handlers get, as for a report. */
  handlerKeys: Record<string, unknown>;
}

/** Reads a receiver's answer to a batch; `undefined` when it is not one (no `stored` list). */
export function readBatchAnswer(body: unknown, rounds: number): ReadBatchAnswer | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { stored, refused, ...handlerKeys } = body as Partial<TelemetryBatchAnswer>;
  if (!Array.isArray(stored)) return undefined;
  const inRange = (index: unknown): index is number =>
    Number.isInteger(index) && (index as number) >= 0 && (index as number) < rounds;
  const refusals = new Map<number, string>();
  for (const item of Array.isArray(refused) ? refused : []) {
    if (inRange(item?.index)) refusals.set(item.index, String(item.error ?? 'refused'));
  }
  return { stored: new Set(stored.filter(inRange)), refused: refusals, handlerKeys };
}
