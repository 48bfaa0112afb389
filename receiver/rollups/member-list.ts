/**
 * The exact sets behind unique counts in the rollups: the ids (visitor or session row ids) seen
 * in one rollup row, stored as a compact byte string. Layout: varint(count), varint(last id),
 * then each id as a varint delta from the previous one (ascending, no duplicates). Ids are
 * database row ids, so deltas are small and most take one or two bytes; numbers up to 2^53 are
 * exact. Unions are computed in memory when a window spans several days: exact, unlike sketches.
 */

/** Ids of a stored member list, ascending. */
export function decodeMembers(bytes: Uint8Array | null | undefined): number[] {
  if (!bytes || bytes.length === 0) return [];
  const reader = new VarintReader(bytes);
  const count = reader.next();
  reader.next(); // last id (header, read by spanOf)
  const ids = new Array<number>(count);
  let id = 0;
  for (let i = 0; i < count; i++) {
    id += reader.next();
    ids[i] = id;
  }
  return ids;
}

/** Encodes ascending, distinct ids. */
export function encodeMembers(ids: readonly number[]): Buffer {
  const out = Buffer.alloc(10 + ids.length * 8);
  let offset = writeVarint(out, 0, ids.length);
  offset = writeVarint(out, offset, ids.length ? ids[ids.length - 1] : 0);
  let previous = 0;
  for (const id of ids) {
    offset = writeVarint(out, offset, id - previous);
    previous = id;
  }
  return out.subarray(0, offset);
}

/**
 * The union of a stored list and new ids, encoded (the ingest's merge). One pass over the stored
 * bytes, merging the few added ids in order: a batch's cost stays linear in the stored list
 * instead of hashing and sorting every id of the day again; a stored list that already holds
 * every added id (a returning visitor's next pageview) is returned as it is.
 */
export function mergeMembers(
  stored: Uint8Array | null | undefined,
  added: Iterable<number>,
): Buffer {
  const fresh = [...added].sort((a, b) => a - b);
  if (!stored || stored.length === 0) return encodeMembers(distinct(fresh));
  const reader = new VarintReader(stored);
  const count = reader.next();
  const last = reader.next();
  // Common case: every added id is newer than the stored ones (new visitors, new sessions).
  if (fresh.length > 0 && fresh[0] > last) return appendMembers(stored, reader, count, last, fresh);
  // Ids are stored as deltas: an id slotted in before a stored one changes only that one's
  // delta, so the bytes between insertion points are copied as they are.
  const out = Buffer.alloc(20 + stored.length + fresh.length * 8);
  let offset = 20; // the header is written last, in front of the ids
  let copyFrom = reader.position;
  let inserted = 0;
  let next = 0;
  let id = 0;
  for (let i = 0; i < count && next < fresh.length; i++) {
    const start = reader.position;
    const current = id + reader.next();
    if (fresh[next] <= current) {
      out.set(stored.subarray(copyFrom, start), offset);
      offset += start - copyFrom;
      let previous = id;
      for (; next < fresh.length && fresh[next] < current; next++) {
        if (fresh[next] === previous) continue;
        offset = writeVarint(out, offset, fresh[next] - previous);
        previous = fresh[next];
        inserted++;
      }
      while (next < fresh.length && fresh[next] === current) next++;
      offset = writeVarint(out, offset, current - previous);
      copyFrom = reader.position;
    }
    id = current;
  }
  if (inserted === 0 && next === fresh.length) return Buffer.from(stored);
  out.set(stored.subarray(copyFrom), offset);
  offset += stored.length - copyFrom;
  // Ids above every stored one: the loop stopped before reading the rest of the list.
  let previous = Math.max(id, last);
  for (; next < fresh.length; next++) {
    if (fresh[next] <= previous) continue;
    offset = writeVarint(out, offset, fresh[next] - previous);
    previous = fresh[next];
    inserted++;
  }
  return withHeader(out, offset, count + inserted, previous);
}

/** Ascending ids without repeats. */
function distinct(sorted: number[]): number[] {
  return sorted.filter((id, i) => i === 0 || id !== sorted[i - 1]);
}

/** A stored list with larger ids appended: its id bytes are copied, not decoded. */
function appendMembers(
  stored: Uint8Array,
  reader: VarintReader,
  count: number,
  last: number,
  fresh: number[],
): Buffer {
  const body = stored.subarray(reader.position);
  const out = Buffer.alloc(20 + body.length + fresh.length * 8);
  let offset = 20 + body.length;
  out.set(body, 20);
  let previous = last;
  let total = count;
  for (const id of fresh) {
    if (id === previous) continue;
    offset = writeVarint(out, offset, id - previous);
    previous = id;
    total++;
  }
  return withHeader(out, offset, total, previous);
}

/** Writes `varint(count), varint(last)` right before the ids at `out[20…end)`. */
function withHeader(out: Buffer, end: number, count: number, last: number): Buffer {
  const header = Buffer.alloc(20);
  const length = writeVarint(header, writeVarint(header, 0, count), last);
  header.copy(out, 20 - length, 0, length);
  return out.subarray(20 - length, end);
}

/**
 * Lists of ascending, disjoint id ranges (a row's segments, in order) as one list. Their bytes
 * are copied after each other: only each list's first id is re-encoded, as a delta from the
 * previous list's last id.
 */
export function joinMembers(lists: ReadonlyArray<Uint8Array | null>): Uint8Array | null {
  const filled = lists.filter((list): list is Uint8Array => memberCount(list) > 0);
  if (filled.length <= 1) return filled[0] ?? lists[0] ?? null;
  let count = 0;
  let bytes = 0;
  for (const list of filled) {
    count += memberCount(list);
    bytes += list.length;
  }
  const out = Buffer.alloc(20 + bytes + filled.length * 8);
  let offset = 20;
  let previous = 0;
  for (const list of filled) {
    const reader = new VarintReader(list);
    reader.next(); // count
    const last = reader.next();
    const first = reader.next();
    offset = writeVarint(out, offset, first - previous);
    out.set(list.subarray(reader.position), offset);
    offset += list.length - reader.position;
    previous = last;
  }
  return withHeader(out, offset, count, previous);
}

/** How many ids a stored list holds, without decoding it. */
export function memberCount(bytes: Uint8Array | null | undefined): number {
  return !bytes || bytes.length === 0 ? 0 : new VarintReader(bytes).next();
}

/** Smallest and largest id of a stored list without decoding it (`null` when empty). */
export function spanOf(bytes: Uint8Array | null | undefined): [number, number] | null {
  if (!bytes || bytes.length === 0) return null;
  const reader = new VarintReader(bytes);
  const count = reader.next();
  if (count === 0) return null;
  const last = reader.next();
  return [reader.next(), last];
}

/** Calls `visit` with each id of a stored list, ascending, without building an array. */
export function forEachMember(
  bytes: Uint8Array | null | undefined,
  visit: (id: number) => void,
): void {
  if (!bytes || bytes.length === 0) return;
  const reader = new VarintReader(bytes);
  const count = reader.next();
  reader.next();
  let id = 0;
  for (let i = 0; i < count; i++) {
    id += reader.next();
    visit(id);
  }
}

/** Smallest and largest id over several stored lists (`null` when all are empty). */
export function spanOfAll(lists: Iterable<Uint8Array | null | undefined>): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const list of lists) {
    const span = spanOf(list);
    if (!span) continue;
    min = Math.min(min, span[0]);
    max = Math.max(max, span[1]);
  }
  return min <= max ? [min, max] : null;
}

/**
 * Counts distinct ids over several stored lists (one group: a page over the days of a window)
 * with one stamp per id of the span seen, reused from group to group: each group stamps its ids
 * with its own number, so nothing is cleared between groups. Cost is linear in the stored ids,
 * with no hashing and no sorting.
 */
export class MemberCounter {
  private stamps = new Uint32Array(0);
  private base = 0;
  private group = 0;

  /** Prepares the stamps for every list a request will count. */
  constructor(lists: Iterable<Uint8Array | null | undefined>) {
    const span = spanOfAll(lists);
    if (span) {
      this.base = span[0];
      this.stamps = new Uint32Array(span[1] - span[0] + 1);
    }
  }

  /** Distinct ids over `lists`, and optionally the ids themselves. */
  count(lists: ReadonlyArray<Uint8Array | null | undefined>, into?: Set<number>): number {
    // A single list holds distinct ids: its header says how many.
    if (lists.length === 1 && !into) return memberCount(lists[0]);
    const group = ++this.group;
    let distinct = 0;
    for (const list of lists) {
      if (list && list.length > 0) distinct += this.stamp(list, group, into);
    }
    return distinct;
  }

  /**
   * Stamps one list's ids with `group`, returning how many were new. The varints are decoded
   * inline (one-byte deltas, the common case, take the short branch): this loop is most of a
   * breakdown's cost, and a callback per id made it several times slower.
   */
  private stamp(bytes: Uint8Array, group: number, into: Set<number> | undefined): number {
    const stamps = this.stamps;
    const base = this.base;
    const reader = new VarintReader(bytes);
    const count = reader.next();
    reader.next(); // last id
    let offset = reader.position;
    let fresh = 0;
    let id = 0;
    for (let i = 0; i < count; i++) {
      let byte = bytes[offset++];
      if (byte < 0x80) {
        id += byte;
      } else {
        let value = byte & 0x7f;
        let scale = 128;
        do {
          byte = bytes[offset++];
          value += (byte & 0x7f) * scale;
          scale *= 128;
        } while (byte & 0x80);
        id += value;
      }
      if (stamps[id - base] !== group) {
        stamps[id - base] = group;
        fresh++;
        into?.add(id);
      }
    }
    return fresh;
  }
}

class VarintReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bytes read so far. */
  get position(): number {
    return this.offset;
  }

  next(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.bytes[this.offset++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  }
}

function writeVarint(out: Buffer, offset: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    out[offset++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  out[offset++] = rest;
  return offset;
}
