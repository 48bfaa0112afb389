import {
  decodeMembers,
  encodeMembers,
  joinMembers,
  MemberCounter,
  mergeMembers,
} from '../../receiver/rollups/member-list';
import {
  routeIds,
  segmentLimits,
  segmentsOf,
  splitSegment,
} from '../../receiver/rollups/member-segments';

/** The union as the first implementation computed it: decode, add, sort, encode. */
const reference = (stored: number[], added: number[]): Buffer =>
  encodeMembers([...new Set([...stored, ...added])].sort((a, b) => a - b));

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('member lists: merging new ids into a stored list', () => {
  it('gives the same bytes as decoding, uniting, sorting and encoding', () => {
    const next = random(42);
    for (let trial = 0; trial < 5_000; trial++) {
      const max = next() < 0.5 ? 60 : 2 ** 40;
      const pick = () => 1 + Math.floor(next() * max);
      const stored = [...new Set(Array.from({ length: Math.floor(next() * 30) }, pick))].sort(
        (a, b) => a - b,
      );
      const added = Array.from({ length: Math.floor(next() * 6) }, pick);
      const bytes = stored.length > 0 ? encodeMembers(stored) : null;
      expect({ stored, added, merged: mergeMembers(bytes, added) }).toEqual({
        stored,
        added,
        merged: reference(stored, added),
      });
    }
  });

  it('handles ids before, between, equal to and after the stored ones, and repeats', () => {
    const stored = encodeMembers([10, 20, 30]);
    expect(decodeMembers(mergeMembers(stored, [5, 5, 20, 25, 31, 31, 400]))).toEqual([
      5, 10, 20, 25, 30, 31, 400,
    ]);
    expect(decodeMembers(mergeMembers(stored, [30, 10]))).toEqual([10, 20, 30]);
    expect(decodeMembers(mergeMembers(stored, []))).toEqual([10, 20, 30]);
    expect(decodeMembers(mergeMembers(null, [3, 1, 3]))).toEqual([1, 3]);
    expect(decodeMembers(mergeMembers(Buffer.alloc(0), []))).toEqual([]);
  });
});

describe('member lists: counting distinct ids over several lists', () => {
  it('counts the union of each group exactly, multi-byte deltas and large ids included', () => {
    const next = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const max = next() < 0.5 ? 300 : 2 ** 20;
      const lists = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
        [
          ...new Set(
            Array.from({ length: Math.floor(next() * 40) }, () => 1 + Math.floor(next() * max)),
          ),
        ].sort((a, b) => a - b),
      );
      const encoded = lists.map((ids) => (ids.length > 0 ? encodeMembers(ids) : null));
      const counter = new MemberCounter(encoded);
      // Two groups out of the same lists, counted one after the other with the same counter.
      const groups = [encoded.filter((_, i) => i % 2 === 0), encoded.filter((_, i) => i % 2 === 1)];
      const expected = [0, 1].map((g) => new Set(lists.filter((_, i) => i % 2 === g).flat()));
      for (const g of [0, 1]) {
        const ids = new Set<number>();
        expect(counter.count(groups[g], ids)).toBe(expected[g].size);
        expect([...ids].sort((a, b) => a - b)).toEqual([...expected[g]].sort((a, b) => a - b));
        expect(counter.count(groups[g])).toBe(expected[g].size);
      }
    }
  });
});

describe('member lists in segments: routed, split and joined back', () => {
  afterEach(() => {
    segmentLimits.ids = 1_024;
  });

  it('keeps any list whole when merged segment by segment, cut and joined again', () => {
    const next = random(7);
    for (let trial = 0; trial < 500; trial++) {
      segmentLimits.ids = 1 + Math.floor(next() * 6);
      const max = next() < 0.5 ? 80 : 2 ** 40;
      const pick = () => 1 + Math.floor(next() * max);
      let head: Uint8Array | null = null;
      let segments = new Map<number, Uint8Array>();
      const all = new Set<number>();
      for (let batch = 0; batch < 6; batch++) {
        const added = Array.from({ length: Math.floor(next() * 8) }, pick);
        added.forEach((id) => all.add(id));
        const firstIds = [...segments.keys()].sort((a, b) => a - b);
        for (const [firstId, ids] of routeIds(firstIds, added)) {
          const old: Uint8Array | null = firstId === 0 ? head : (segments.get(firstId) ?? null);
          for (const part of splitSegment({ firstId, members: mergeMembers(old, ids) })) {
            if (part.firstId === 0) head = part.members;
            else segments.set(part.firstId, part.members);
          }
        }
        segments = new Map([...segments].sort(([a], [b]) => a - b));
      }
      const lists = [head, ...segments.values()];
      // Every segment holds at most the limit, and only ids of its own range.
      for (const list of lists)
        expect(decodeMembers(list).length).toBeLessThanOrEqual(segmentLimits.ids);
      const expected = [...all].sort((a, b) => a - b);
      expect(decodeMembers(joinMembers(lists))).toEqual(expected);
      // A list written whole (a rebuild) is cut the same way and joins back the same.
      if (expected.length > 0)
        expect(
          decodeMembers(joinMembers(segmentsOf(encodeMembers(expected)).map((s) => s.members))),
        ).toEqual(expected);
    }
  });

  it('routes each id to the last segment starting at or below it (the head below all)', () => {
    const routed = routeIds([10, 20], [1, 9, 10, 15, 20, 99]);
    expect(Object.fromEntries(routed)).toEqual({ 0: [1, 9], 10: [10, 15], 20: [20, 99] });
  });

  it('cuts a segment past the limit, the first part keeping its first id', () => {
    segmentLimits.ids = 2;
    const parts = splitSegment({ firstId: 5, members: encodeMembers([6, 7, 9, 12, 30]) });
    expect(parts.map((p) => [p.firstId, decodeMembers(p.members)])).toEqual([
      [5, [6, 7]],
      [9, [9, 12]],
      [30, [30]],
    ]);
  });
});
