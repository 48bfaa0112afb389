/**
 * A rollup row's member list, stored in segments of at most {@link segmentLimits}`.ids` ids.
 *
 * Why: the ingest merges each batch's ids into the stored lists of the rows it touches. With one
 * list per row, the rows every batch of a day touches (the day's total, its sessions, each
 * device type and country…) hold most of the day's visitors, so each batch read and wrote them
 * whole: 50,000 visitors a day made every batch rewrite hundreds of kilobytes, and ingest slowed
 * down as the day filled. Split into segments of consecutive ids, a batch rewrites only the
 * segments its ids fall in: new visitors go to the last one, a returning visitor to the segment
 * covering its id.
 *
 * Layout: the row keeps its first segment (the "head", ids below the second segment's first id)
 * in its `members` column and the first ids of the other segments in its `segments` column (a
 * member list of first ids: the row's directory); each other segment is a row of
 * `analytics_rollup_segments` keyed by the row's key and its first id. A row of up to
 * `segmentLimits.ids` ids has no other segment and no directory, as before segments existed; a
 * row stored whole before is split the first time a batch touches it.
 */
import { decodeMembers, encodeMembers, memberCount } from './member-list';

/** Ids per segment. Tests lower it so that a few visitors exercise every split. */
export const segmentLimits = { ids: 1_024 };

/** One stored segment: its first id (0 for the head, whatever its ids) and its list. */
export interface MemberSegment {
  firstId: number;
  members: Uint8Array;
}

/** The first ids of a row's other segments, ascending (none without a directory). */
export function segmentIds(directory: Uint8Array | null | undefined): number[] {
  return decodeMembers(directory);
}

/** A directory of first ids (`null` when the row is its head alone). */
export function directoryOf(firstIds: readonly number[]): Buffer | null {
  return firstIds.length === 0 ? null : encodeMembers(firstIds);
}

/**
 * Which segment each id belongs to: the last one whose first id is not above it (the head, first
 * id 0, takes the ids below every other segment). Returns the ids per first id.
 */
export function routeIds(
  firstIds: readonly number[],
  ids: Iterable<number>,
): Map<number, number[]> {
  const routed = new Map<number, number[]>();
  for (const id of ids) {
    // Binary search of the last first id ≤ id; most batches add ids above every segment's.
    let low = 0;
    let high = firstIds.length - 1;
    let segment = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (firstIds[middle] <= id) {
        segment = firstIds[middle];
        low = middle + 1;
      } else high = middle - 1;
    }
    const list = routed.get(segment);
    if (list) list.push(id);
    else routed.set(segment, [id]);
  }
  return routed;
}

/**
 * A segment grown past the limit, cut into segments of at most `segmentLimits.ids` ids: the first
 * keeps the segment's first id (the head stays the head), each other starts at its first id.
 * A segment within the limit is returned as it is.
 */
export function splitSegment(segment: MemberSegment): MemberSegment[] {
  const limit = segmentLimits.ids;
  if (memberCount(segment.members) <= limit) return [segment];
  const ids = decodeMembers(segment.members);
  const parts: MemberSegment[] = [];
  for (let from = 0; from < ids.length; from += limit) {
    const slice = ids.slice(from, from + limit);
    parts.push({ firstId: from === 0 ? segment.firstId : slice[0], members: encodeMembers(slice) });
  }
  return parts;
}

/** A whole list cut into a head and segments (a row written whole: a rebuild, an erasure). */
export function segmentsOf(members: Uint8Array): MemberSegment[] {
  return splitSegment({ firstId: 0, members });
}
