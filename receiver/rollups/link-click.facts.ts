import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int, present, text } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { enrolClickers, LINK_CLICKERS } from './link-clickers';
import { LocalDayOf, type RollupDelta } from './rollup-batch';
import { valueKey } from './rollup.dimensions';

/**
 * Per project, local day and link, the clicks and the exact set of clickers behind its unique
 * clicks (dimension `link`, the link id in `label_a`, the clicker ids of link-clickers.ts in
 * `members`): the links list sums days and unions their sets instead of reading every click. Link detail's
 * breakdowns are per link (its id in the dimension's name, base 36), so one link's days are one
 * key range of the table however many links the project has: by country (clicks with a
 * location), by referrer category, by device type (clicks with a device), as the raw joins count.
 */
export const LINK = 'link';

/** The breakdowns of one link: dimension name prefixes, the link's id follows. */
export const LINK_BREAKDOWNS = { country: 'link_geo:', referrer: 'link_ref:', device: 'link_dev:' };

/** Dimension of one link's breakdown (16 characters at most: ids below 36^7). */
export const linkDimension = (kind: keyof typeof LINK_BREAKDOWNS, linkId: number): string =>
  `${LINK_BREAKDOWNS[kind]}${linkId.toString(36)}`;

/** Every dimension holding rows of one link. */
export const linkDimensions = (linkId: number): string[] => [
  LINK,
  ...(Object.keys(LINK_BREAKDOWNS) as Array<keyof typeof LINK_BREAKDOWNS>).map((kind) =>
    linkDimension(kind, linkId),
  ),
];

/** The `value_key` of a link's `link` rows. */
export const linkKey = (linkId: number): string => valueKey([String(linkId)]);

/** One stored click as the rollups see it (device and location labels as in their rows). */
export interface ClickFact {
  projectId: number;
  linkId: number;
  /** The link's id for the click's IP hash (see link-clickers.ts). */
  clickerId: number;
  referrerCategory: string;
  deviceType: string | null;
  location: { country: string; countryCode: string } | null;
  /** `created_at` as an instant (ms). */
  createdAt: number;
}

/** The clicks per project, local day and link (and breakdown value), as rows to add or store. */
export function clickDeltas(facts: readonly ClickFact[], timeZone: string): RollupDelta[] {
  const days = new LocalDayOf(timeZone);
  const rows = new Map<string, RollupDelta>();
  const add = (fact: ClickFact, day: string, dimension: string, labels: string[]) => {
    const key = `${fact.projectId}|${day}|${dimension}|${JSON.stringify(labels)}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        projectId: fact.projectId,
        day,
        dimension,
        valueKey: valueKey(labels),
        labels,
        pageviews: 0,
        members: dimension === LINK ? new Set() : null,
      };
      rows.set(key, row);
    }
    row.pageviews++;
    row.members?.add(fact.clickerId);
  };
  for (const fact of facts) {
    // MariaDB stores whole seconds; local midnights fall on whole seconds (see RollupBatch.add).
    const day = days.of(Math.floor(fact.createdAt / 1000) * 1000);
    add(fact, day, LINK, [String(fact.linkId)]);
    add(fact, day, linkDimension('referrer', fact.linkId), [fact.referrerCategory]);
    if (fact.location) {
      const { country, countryCode } = fact.location;
      add(fact, day, linkDimension('country', fact.linkId), [country, countryCode]);
    }
    if (fact.deviceType !== null)
      add(fact, day, linkDimension('device', fact.linkId), [fact.deviceType]);
  }
  return [...rows.values()];
}

/**
 * Stored clicks matching `where` (on `link_clicks c`), with their device and location labels and
 * their clicker id (`enrol` first gives new addresses one; without it, the clicks must have one:
 * they are in the rollups).
 */
export async function readClickFacts(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
  enrol: boolean,
): Promise<ClickFact[]> {
  if (enrol) await enrolClickers(sql, where);
  const rows = await sql.rows<Record<string, unknown>>(
    (p) =>
      `SELECT c.project_id, c.link_id, k.id AS clicker_id, c.referrer_category, c.created_at, ` +
      `d.id AS device_row, d.device_type, l.id AS location_row, l.country, l.country_code ` +
      `FROM link_clicks c JOIN ${LINK_CLICKERS} k ON k.link_id = c.link_id AND k.ip_hash = c.ip_hash ` +
      `LEFT JOIN devices d ON d.id = c.device_id ` +
      `LEFT JOIN locations l ON l.id = c.location_id WHERE ${where(p)}`,
  );
  return rows.map((row) => ({
    projectId: int(row.project_id),
    linkId: int(row.link_id),
    clickerId: int(row.clicker_id),
    referrerCategory: text(row.referrer_category),
    deviceType: present(row.device_row) ? text(row.device_type) : null,
    location: present(row.location_row)
      ? { country: text(row.country), countryCode: text(row.country_code) }
      : null,
    createdAt: instantOf(row.created_at).getTime(),
  }));
}

/** The rows of one project's clicks in `[startMs, endMs)` (a rebuild, a purge). */
export async function clickDayRows(
  sql: SqlRunner,
  projectId: number,
  startMs: number,
  endMs: number,
  timeZone: string,
): Promise<RollupDelta[]> {
  const span = projectSpan('c.created_at', projectId, startMs, endMs);
  const facts = await readClickFacts(sql, span, true);
  return clickDeltas(facts, timeZone);
}
