/**
 * A small writer for MaxMind DB files (https://maxmind.github.io/MaxMind-DB/), enough to produce
 * GeoIP2-City-shaped fixtures: IPv4 tree, 24-bit records, maps / strings / arrays / unsigned ints.
 * MaxMind's own test databases are not redistributable through npm, so tests generate theirs.
 */
import { writeFileSync } from 'node:fs';

/** A value the data section can hold. */
export type MmdbValue =
  string | number | bigint | boolean | MmdbValue[] | { [key: string]: MmdbValue };

/** One network (`a.b.c.d/prefix`) and the record returned for every address inside it. */
export interface MmdbRecord {
  network: string;
  data: { [key: string]: MmdbValue };
}

/** A GeoIP2-City-shaped record, the fields the receiver reads. */
export function cityRecord(network: string, city: CityFixture): MmdbRecord {
  return {
    network,
    data: {
      city: { names: { en: city.city } },
      country: { iso_code: city.countryCode, names: { en: city.country } },
      subdivisions: [{ iso_code: city.regionCode ?? '', names: { en: city.region } }],
      location: { latitude: city.latitude ?? 0, longitude: city.longitude ?? 0 },
    },
  };
}

export interface CityFixture {
  country: string;
  countryCode: string;
  region: string;
  regionCode?: string;
  city: string;
  latitude?: number;
  longitude?: number;
}

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');

type Slot = { node: number } | { data: number } | null;

/** Builds a MaxMind DB file in memory. */
export function buildMmdb(records: MmdbRecord[], databaseType = 'GeoIP2-City'): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const nodes: [Slot, Slot][] = [[null, null]];
  for (const record of records) {
    const offset = dataSize;
    const encoded = encode(record.data);
    data.push(encoded);
    dataSize += encoded.length;
    const [address, prefix] = parseNetwork(record.network);
    let node = 0;
    for (let depth = 0; depth < prefix; depth++) {
      const bit = (address >>> (31 - depth)) & 1;
      if (depth === prefix - 1) {
        nodes[node][bit] = { data: offset };
        break;
      }
      const slot = nodes[node][bit];
      if (slot && 'node' in slot) {
        node = slot.node;
      } else {
        nodes.push([null, null]);
        nodes[node][bit] = { node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    }
  }
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  const recordValue = (slot: Slot): number =>
    slot === null ? nodeCount : 'node' in slot ? slot.node : nodeCount + 16 + slot.data;
  nodes.forEach(([left, right], index) => {
    tree.writeUIntBE(recordValue(left), index * 6, 3);
    tree.writeUIntBE(recordValue(right), index * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: { uint32: nodeCount },
    record_size: { uint16: 24 },
    ip_version: { uint16: 4 },
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: { uint16: 2 },
    binary_format_minor_version: { uint16: 0 },
    build_epoch: BigInt(Math.floor(Date.now() / 1000)),
    description: { en: 'nestjs-telemetry test fixture' },
  } as unknown as MmdbValue);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, metadata]);
}

/** Writes a fixture file and returns its path. */
export function writeMmdb(path: string, records: MmdbRecord[]): string {
  writeFileSync(path, buildMmdb(records));
  return path;
}

function parseNetwork(network: string): [number, number] {
  const [ip, prefix = '32'] = network.split('/');
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`Not an IPv4 network: ${network}`);
  }
  return [
    ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0,
    Number(prefix),
  ];
}

// Metadata integers must carry their declared width: `{ uint16: n }` / `{ uint32: n }` say which.
function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'bigint') return Buffer.concat([control(9, 8), bigEndian(value, 8)]);
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return uint(6, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'uint16' || keys[0] === 'uint32')) {
    return uint(keys[0] === 'uint16' ? 5 : 6, value[keys[0]] as number);
  }
  const parts = keys.flatMap((key) => [encode(key), encode(value[key])]);
  return Buffer.concat([control(7, keys.length), ...parts]);
}

function uint(type: number, value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

function bigEndian(value: bigint, width: number): Buffer {
  const bytes = Buffer.alloc(width);
  for (let i = width - 1, v = value; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn);
  return bytes;
}

/** Control byte(s): type in the top 3 bits (extended types > 7 in a second byte), then the size. */
function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65_821) {
    sizeBits = 30;
    extra.push((size - 285) >> 8, (size - 285) & 0xff);
  } else {
    sizeBits = 31;
    const rest = size - 65_821;
    extra.push((rest >> 16) & 0xff, (rest >> 8) & 0xff, rest & 0xff);
  }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...extra]);
}
