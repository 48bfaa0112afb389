import { Injectable } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { type FindOptionsSelect, type FindOptionsWhere, In } from 'typeorm';
import type { DeviceInfo, GeoLocation } from '../../enrichment/interfaces/enrichment.interfaces';
import type { IngestBatchContext } from '../../ingest';
import { DeviceEntity, LocationEntity } from '../../storage/entities';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { TrackingIdCache } from './tracking-id.cache';

/** One device or location to resolve, per project. */
export interface DimensionRequest<T> {
  projectId: number;
  value: T;
}

/** An event carrying both dimensions (a pageview, an error, a link click). */
export interface DimensionedEvent {
  projectId: number;
  device: DeviceInfo;
  geo: GeoLocation;
}

/** The device and location row ids of a batch of events, index for index. */
export interface EventDimensions {
  deviceIds: number[];
  locationIds: (number | null)[];
}

const deviceKey = (projectId: number, d: DeviceInfo): string =>
  `${projectId}|${d.deviceType}|${d.os}|${d.browser}|${d.browserVersion}`;
const locationKey = (projectId: number, g: GeoLocation): string =>
  `${projectId}|${g.countryCode}|${g.region}|${g.city}`;

/** How one kind of dimension row (devices or locations) is keyed, inserted and read back. */
interface DimensionKind<T, Row extends { id: number; project_id: number }> {
  entity: new () => Row;
  cache: LRUCache<string, number>;
  key(projectId: number, value: T): string;
  row(projectId: number, value: T, now: Date): object;
  /** Columns narrowing the read-back query beyond the project (one indexed column). */
  narrow(rows: object[]): FindOptionsWhere<Row>;
  keyOfRow(row: Row): string;
  select: FindOptionsSelect<Row>;
}

/**
 * Turns device and location facts into row ids (contract 3.9: one row per distinct signature per
 * project). Cached ids answer most lookups; unseen signatures are inserted with `INSERT … IGNORE`
 * (safe against another receiver inserting the same row) and read back in one query per kind.
 * Shared by pageviews, errors and link clicks.
 */
@Injectable()
export class DimensionResolver {
  private readonly deviceKind: DimensionKind<DeviceInfo, DeviceEntity>;
  private readonly locationKind: DimensionKind<GeoLocation, LocationEntity>;

  constructor(cache: TrackingIdCache) {
    this.deviceKind = {
      entity: DeviceEntity,
      cache: cache.devices,
      key: deviceKey,
      row: (projectId, d, now) => ({
        project_id: projectId,
        device_type: d.deviceType,
        os: d.os,
        browser: d.browser,
        browser_version: d.browserVersion,
        created_at: now,
      }),
      narrow: (rows) => ({
        browser: In(unique(rows.map((r) => (r as { browser: string }).browser))),
      }),
      keyOfRow: (row) =>
        deviceKey(row.project_id, {
          deviceType: row.device_type as DeviceInfo['deviceType'],
          os: row.os,
          browser: row.browser,
          browserVersion: row.browser_version,
        }),
      select: {
        id: true,
        project_id: true,
        device_type: true,
        os: true,
        browser: true,
        browser_version: true,
      },
    };
    this.locationKind = {
      entity: LocationEntity,
      cache: cache.locations,
      key: locationKey,
      row: (projectId, g, now) => ({
        project_id: projectId,
        country: g.country,
        country_code: g.countryCode,
        region: g.region,
        city: g.city,
        is_vpn: false,
        created_at: now,
      }),
      narrow: (rows) => ({
        country_code: In(unique(rows.map((r) => (r as { country_code: string }).country_code))),
      }),
      keyOfRow: (row) =>
        locationKey(row.project_id, {
          country: '',
          countryCode: row.country_code,
          region: row.region,
          city: row.city,
        }),
      select: { id: true, project_id: true, country_code: true, region: true, city: true },
    };
  }

  /** Device and location ids for every event of a batch. */
  async forEvents(
    events: DimensionedEvent[],
    context: IngestBatchContext,
  ): Promise<EventDimensions> {
    const [deviceIds, locationIds] = await Promise.all([
      this.devices(
        events.map((e) => ({ projectId: e.projectId, value: e.device })),
        context,
      ),
      this.locations(
        events.map((e) => ({ projectId: e.projectId, value: e.geo })),
        context,
      ),
    ]);
    return { deviceIds, locationIds };
  }

  async devices(
    requests: DimensionRequest<DeviceInfo>[],
    context: IngestBatchContext,
  ): Promise<number[]> {
    return (await this.resolve(this.deviceKind, requests, context)) as number[];
  }

  /** Location ids; `null` where the country is unknown (no location row is linked then). */
  async locations(
    requests: DimensionRequest<GeoLocation>[],
    context: IngestBatchContext,
  ): Promise<(number | null)[]> {
    return this.resolve(
      this.locationKind,
      requests.map((r) => (r.value.countryCode ? r : null)),
      context,
    );
  }

  /** Ids of `requests` in order (`null` for a `null` request): cache first, then insert and read back. */
  private async resolve<T, Row extends { id: number; project_id: number }>(
    kind: DimensionKind<T, Row>,
    requests: (DimensionRequest<T> | null)[],
    context: IngestBatchContext,
  ): Promise<(number | null)[]> {
    const keys = requests.map((r) => (r === null ? null : kind.key(r.projectId, r.value)));
    const found = new Map<string, number>();
    const missing = new Map<string, DimensionRequest<T>>();
    keys.forEach((key, i) => {
      if (key === null) return;
      const id = kind.cache.get(key);
      if (id !== undefined) found.set(key, id);
      else missing.set(key, requests[i] as DimensionRequest<T>);
    });
    if (missing.size > 0) {
      const now = new Date();
      const wanted = [...missing.values()];
      const rows = wanted.map(({ projectId, value }) => kind.row(projectId, value, now));
      await new SqlRunner(context.manager).insertIgnore(kind.entity, rows);
      const stored = await context.manager.find(kind.entity, {
        select: kind.select,
        where: {
          project_id: In(unique(wanted.map((r) => r.projectId))),
          ...kind.narrow(rows),
        } as FindOptionsWhere<Row>,
      });
      for (const row of stored) {
        const key = kind.keyOfRow(row);
        if (!missing.has(key)) continue;
        found.set(key, row.id);
        context.afterCommit(() => void kind.cache.set(key, row.id));
      }
    }
    return keys.map((key) => (key === null ? null : (found.get(key) as number)));
  }
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
