import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxmind, { CityResponse } from 'maxmind';
import { GeoIpService } from '../../receiver/enrichment/geoip.service';
import { cityRecord, writeMmdb } from '../support/mmdb-writer';

const LONDON = { country: 'United Kingdom', countryCode: 'GB', region: 'England', city: 'London' };
const LINKOPING = {
  country: 'Sweden',
  countryCode: 'SE',
  region: 'Östergötland County',
  city: 'Linköping',
};

describe('GeoIP lookups on a generated .mmdb', () => {
  let dir: string;
  let file: string;
  const services: GeoIpService[] = [];
  const service = (path: string | undefined): GeoIpService => {
    const geo = new GeoIpService(path);
    geo.onModuleInit();
    services.push(geo);
    return geo;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'geoip-'));
    file = writeMmdb(join(dir, 'GeoLite2-City.mmdb'), [
      cityRecord('81.2.69.0/24', LONDON),
      cityRecord('89.160.20.112/28', LINKOPING),
    ]);
  });

  afterEach(() => {
    services.splice(0).forEach((geo) => geo.onModuleDestroy());
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a database that maxmind itself opens and reads back', async () => {
    const reader = await maxmind.open<CityResponse>(file);
    expect(reader.get('81.2.69.142')?.city?.names.en).toBe('London');
    expect(reader.get('89.160.20.120')?.country?.iso_code).toBe('SE');
    expect(reader.get('8.8.8.8')).toBeNull();
  });

  it('resolves country, code, first subdivision and city in English', () => {
    const geo = service(file);
    expect(geo.lookup('89.160.20.115')).toEqual({
      country: 'Sweden',
      countryCode: 'SE',
      region: 'Östergötland County',
      city: 'Linköping',
    });
    expect(geo.lookup('::ffff:81.2.69.1')).toMatchObject({ city: 'London' });
    expect(geo.status()).toEqual({ status: 'ok', message: 'GeoLite2-City.mmdb found' });
  });

  it('cuts names to the location columns (100 bytes, 2-letter code)', () => {
    const long = writeMmdb(join(dir, 'long.mmdb'), [
      cityRecord('81.2.69.0/24', {
        country: 'C'.repeat(150),
        countryCode: 'GBR',
        region: 'R'.repeat(150),
        city: 'ö'.repeat(80),
      }),
    ]);
    expect(service(long).lookup('81.2.69.1')).toEqual({
      country: 'C'.repeat(100),
      countryCode: 'GB',
      region: 'R'.repeat(100),
      city: 'ö'.repeat(50),
    });
  });

  it('answers empty fields for unknown, private and malformed addresses', () => {
    const geo = service(file);
    const empty = { country: '', countryCode: '', region: '', city: '' };
    expect(geo.lookup('10.0.0.1')).toEqual(empty);
    expect(geo.lookup('not-an-ip')).toEqual(empty);
    expect(geo.lookup('')).toEqual(empty);
  });

  it('without a database leaves geo fields empty and warns (never fails) in health', () => {
    const geo = service(join(dir, 'missing.mmdb'));
    expect(geo.lookup('81.2.69.142').countryCode).toBe('');
    expect(geo.status()).toEqual({
      status: 'warn',
      message: 'missing.mmdb not found — location tracking disabled',
    });
    expect(service(undefined).status().status).toBe('warn');
  });

  it('picks up a replaced database file on reload without a restart', () => {
    const geo = service(file);
    expect(geo.lookup('81.2.69.142').city).toBe('London');
    const next = writeMmdb(join(dir, 'next.mmdb'), [
      cityRecord('81.2.69.0/24', { ...LONDON, city: 'Westminster' }),
    ]);
    copyFileSync(next, file);
    geo.reload();
    expect(geo.lookup('81.2.69.142').city).toBe('Westminster');
  });

  it('keeps the previous database when the replacement is unreadable', () => {
    const geo = service(file);
    copyFileSync(__filename, file);
    geo.reload();
    expect(geo.lookup('81.2.69.142').city).toBe('London');
  });
});
