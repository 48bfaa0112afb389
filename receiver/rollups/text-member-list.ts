/**
 * Exact sets of texts in a rollup row's `members` (the IP hashes behind a link's unique clicks:
 * clicks store no visitor id, only the salted hash of their address). Layout: per text
 * (ascending, distinct) its UTF-8 length as a varint and its bytes. Which rows hold texts instead
 * of ids is a property of their dimension (see link-click.facts.ts).
 */

/** Texts of a stored list, ascending. */
export function decodeTexts(bytes: Uint8Array | null | undefined): string[] {
  if (!bytes || bytes.length === 0) return [];
  const texts: string[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let offset = 0;
  while (offset < buffer.length) {
    let length = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = buffer[offset++];
      length += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    texts.push(buffer.toString('utf8', offset, offset + length));
    offset += length;
  }
  return texts;
}

/** Encodes texts (any order, repeats dropped). */
export function encodeTexts(texts: Iterable<string>): Buffer {
  const sorted = [...new Set(texts)].sort(compare);
  const parts: Buffer[] = [];
  for (const text of sorted) {
    const bytes = Buffer.from(text, 'utf8');
    const header: number[] = [];
    let rest = bytes.length;
    while (rest >= 0x80) {
      header.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    header.push(rest);
    parts.push(Buffer.from(header), bytes);
  }
  return Buffer.concat(parts);
}

/** The union of a stored list and new texts, encoded (the ingest's merge). */
export function mergeTexts(stored: Uint8Array | null | undefined, added: Iterable<string>): Buffer {
  return encodeTexts([...decodeTexts(stored), ...added]);
}

/** A stored list without some texts (an erasure), encoded. */
export function removeTexts(stored: Uint8Array | null | undefined, removed: Set<string>): Buffer {
  return encodeTexts(decodeTexts(stored).filter((text) => !removed.has(text)));
}

/**
 * Distinct texts over several stored lists, compared as `same` maps them: MariaDB's collations
 * pad with spaces (`'a'` and `'a '` are one value to `COUNT(DISTINCT …)`), so the reads pass the
 * engine's notion of equality.
 */
export function countTexts(
  lists: ReadonlyArray<Uint8Array | null | undefined>,
  same: (text: string) => string = (text) => text,
): number {
  if (lists.length === 1 && same('a ') === 'a ') return decodeTexts(lists[0]).length;
  const seen = new Set<string>();
  for (const list of lists) for (const text of decodeTexts(list)) seen.add(same(text));
  return seen.size;
}

// Code-unit order, the same in every process (the stored bytes of one set never depend on locale).
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
