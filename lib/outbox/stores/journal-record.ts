import { crc32 } from 'node:zlib';
import type { DeadLetter, OutboxEntry } from '../interfaces/telemetry-store.interface';

/**
 * One change of the file outbox, as written to its journal. Replaying the records of a journal in
 * order rebuilds the outbox exactly; ids are written explicitly so a replay never renumbers.
 */
export type JournalRecord =
  /** First record of every journal file: the format and the next id (ids are never reused). */
  | { op: 'head'; format: typeof JOURNAL_FORMAT; nextId: number }
  | { op: 'add'; entries: OutboxEntry[] }
  | { op: 'ack'; ids: number[] }
  /** Entries the receiver refused for good: out of the pending ones, into the dead letters. */
  | { op: 'dead'; letters: DeadLetter[] }
  | { op: 'undead'; ids: number[] }
  | { op: 'set'; values: Record<string, unknown> }
  | { op: 'del'; keys: string[] }
  | { op: 'lock'; name: string; token: string; expiresAt: number }
  | { op: 'unlock'; name: string; token: string };

export const JOURNAL_FORMAT = 'nestjs-telemetry-journal/1';

// A record is one line: `<payload length, 8 hex> <crc32 of the payload, 8 hex> <JSON payload>\n`.
// The length finds the end without trusting the content, the checksum catches a torn or zero-filled
// write, and the newline lets a reader skip a damaged record in the middle to the next line.
const PREFIX = 18;
const NEWLINE = 0x0a;

export function encodeRecord(record: JournalRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(record), 'utf8');
  const prefix = `${hex8(payload.length)} ${hex8(crc32(payload))} `;
  return Buffer.concat([Buffer.from(prefix, 'latin1'), payload, Buffer.from('\n', 'latin1')]);
}

export const encodeRecords = (records: JournalRecord[]): Buffer =>
  Buffer.concat(records.map(encodeRecord));

/** What {@link scanRecords} found in a chunk of journal bytes. */
export interface ScanResult {
  records: JournalRecord[];
  /** Bytes of `buffer` covered by whole records (and skipped damaged lines); the rest is a tail. */
  consumed: number;
  /** Damaged records followed by valid ones: skipped, with the byte offset (in `buffer`) of each. */
  skipped: number[];
}

/**
 * Reads whole records from `buffer`. A record that fails its length or checksum is a torn tail when
 * nothing valid follows it (it stays unconsumed, for the caller to truncate under the lock); when
 * valid records follow, it is damage in the middle and is skipped so the later ones are kept.
 */
export function scanRecords(buffer: Buffer): ScanResult {
  const records: JournalRecord[] = [];
  const skipped: number[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const read = readRecord(buffer, offset);
    if (read) {
      records.push(read.record);
      offset = read.end;
      continue;
    }
    const next = nextValidLine(buffer, offset);
    if (next === undefined) break;
    skipped.push(offset);
    offset = next;
  }
  return { records, consumed: offset, skipped };
}

/** The valid record starting at `offset` and its end (exclusive), or `undefined`. */
function readRecord(
  buffer: Buffer,
  offset: number,
): { record: JournalRecord; end: number } | undefined {
  if (buffer.length - offset < PREFIX + 1) return undefined;
  const head = buffer.toString('latin1', offset, offset + PREFIX);
  if (!/^[0-9a-f]{8} [0-9a-f]{8} $/.test(head)) return undefined;
  const length = parseInt(head.slice(0, 8), 16);
  const end = offset + PREFIX + length + 1;
  if (end > buffer.length || buffer[end - 1] !== NEWLINE) return undefined;
  const payload = buffer.subarray(offset + PREFIX, end - 1);
  if (crc32(payload) !== parseInt(head.slice(9, 17), 16)) return undefined;
  try {
    return { record: JSON.parse(payload.toString('utf8')) as JournalRecord, end };
  } catch {
    return undefined;
  }
}

/** Start of the first line after `offset` that holds a valid record, if any. */
function nextValidLine(buffer: Buffer, offset: number): number | undefined {
  let at = buffer.indexOf(NEWLINE, offset);
  while (at !== -1 && at + 1 < buffer.length) {
    if (readRecord(buffer, at + 1)) return at + 1;
    at = buffer.indexOf(NEWLINE, at + 1);
  }
  return undefined;
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
