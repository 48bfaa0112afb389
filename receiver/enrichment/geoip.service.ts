import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Stats, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { CityResponse, Reader } from 'maxmind';
import { loadPackage } from '../../lib/packages/peer-packages';
import { truncateBytes } from '../common/input/php-input';
import { GEOIP_CACHE_SIZE, GEOIP_WATCH_INTERVAL_MS } from './enrichment.constants';
import { EnrichmentMessages } from './enrichment.messages';
import { GeoLocation } from './interfaces/enrichment.interfaces';

/** What health reports about GeoIP: `ok` with a file, `warn` without one (never `fail`). */
export interface GeoIpStatus {
  status: 'ok' | 'warn';
  message: string;
}

type Maxmind = typeof import('maxmind');

const EMPTY: GeoLocation = Object.freeze({ country: '', countryCode: '', region: '', city: '' });

/**
 * Looks IP addresses up in a MaxMind `.mmdb` file (GeoLite2-City or compatible). The file is read
 * once; a poller swaps in a new reader when the file is replaced (and picks it up if it appears
 * later), so a database update needs no restart. Without a readable file every lookup answers empty
 * fields and {@link status} carries the warning that health shows.
 */
export class GeoIpService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('GeoIp');
  private reader: Reader<CityResponse> | undefined;
  private maxmind: Maxmind | undefined;
  private problem: string;
  private watching = false;
  /**
   * Locations by address for the loaded reader (emptied when another is loaded): a visitor sends
   * many requests, and a reader without a cache decodes the record again for every one.
   */
  private readonly cache = new LRUCache<string, GeoLocation>({ max: GEOIP_CACHE_SIZE });

  constructor(private readonly file: string | undefined) {
    this.problem = file
      ? EnrichmentMessages.geoipMissing(file)
      : EnrichmentMessages.geoipNotConfigured;
  }

  onModuleInit(): void {
    if (!this.file) return;
    // maxmind is an optional peer: only a configured database file needs it, and then at start.
    this.maxmindPackage();
    this.load(false);
    watchFile(this.file, { persistent: false, interval: GEOIP_WATCH_INTERVAL_MS }, this.onChange);
    this.watching = true;
  }

  onModuleDestroy(): void {
    if (this.file && this.watching) unwatchFile(this.file, this.onChange);
    this.watching = false;
  }

  /** Location of an address; empty fields when unknown, private, malformed or without a database. */
  lookup(ip: string): GeoLocation {
    if (!this.reader || ip === '') return EMPTY;
    let location = this.cache.get(ip);
    if (location === undefined) {
      location = this.read(this.reader, ip);
      this.cache.set(ip, location);
    }
    return location;
  }

  private read(reader: Reader<CityResponse>, ip: string): GeoLocation {
    const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
    try {
      const record = reader.get(address);
      if (!record) return EMPTY;
      // Cut to the location columns' sizes, so no database rejects (or silently cuts) a name.
      return Object.freeze({
        country: truncateBytes(record.country?.names?.en ?? '', 100),
        countryCode: truncateBytes(record.country?.iso_code ?? '', 2),
        region: truncateBytes(record.subdivisions?.[0]?.names?.en ?? '', 100),
        city: truncateBytes(record.city?.names?.en ?? '', 100),
      });
    } catch (error) {
      this.logger.debug(EnrichmentMessages.geoipLookupFailed((error as Error).message));
      return EMPTY;
    }
  }

  /** Health view: `ok` while a database is loaded, otherwise `warn` with the reason. */
  status(): GeoIpStatus {
    return this.reader && this.file
      ? { status: 'ok', message: EnrichmentMessages.geoipFound(this.file) }
      : { status: 'warn', message: this.problem };
  }

  /** Re-reads the file now (also called by the poller when the file changes). */
  reload(): void {
    this.load(true);
  }

  private readonly onChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    this.load(true);
  };

  private maxmindPackage(): Maxmind {
    return (this.maxmind ??= loadPackage<Maxmind>('maxmind', 'GeoIP lookups (geoipPath)'));
  }

  private load(isReload: boolean): void {
    const file = this.file as string;
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch {
      this.reader = undefined;
      this.cache.clear();
      this.problem = EnrichmentMessages.geoipMissing(file);
      return;
    }
    try {
      this.reader = new (this.maxmindPackage().Reader)<CityResponse>(buffer);
      this.cache.clear();
      this.logger.log(
        isReload ? EnrichmentMessages.geoipReloaded(file) : EnrichmentMessages.geoipLoaded(file),
      );
    } catch (error) {
      // A half-copied file keeps the previous reader until the next change completes the copy.
      this.problem = EnrichmentMessages.geoipUnreadable(file, (error as Error).message);
      if (!isReload) this.reader = undefined;
      this.logger.warn(this.problem);
    }
  }
}
