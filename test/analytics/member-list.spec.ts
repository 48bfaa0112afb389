import {
  decodeMembers,
  encodeMembers,
  MemberCounter,
  mergeMembers,
} from '../../receiver/rollups/member-list';

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
