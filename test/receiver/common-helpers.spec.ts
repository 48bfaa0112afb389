import type { IncomingMessage } from 'node:http';
import { clientIp, hashIp } from '../../receiver/common/request/client-ip';
import { formatDate, formatDateTime, zonedToUtc } from '../../receiver/common/time/receiver-time';
import {
  intField,
  isEmpty,
  isTruthy,
  stringField,
  truncateBytes,
} from '../../receiver/common/input/php-input';
import { isDomainAllowed } from '../../receiver/common/auth/domain-lock';
import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';

const fakeRequest = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
  }) as unknown as IncomingMessage;

describe('receiver options', () => {
  const secrets = { RECEIVER_ADMIN_KEY: 'a', RECEIVER_IP_HASH_SALT: 's' };

  it('refuses to start without an admin key and says how to make one', () => {
    expect(() => resolveReceiverOptions({}, { RECEIVER_IP_HASH_SALT: 's' })).toThrow(
      /adminKey.*RECEIVER_ADMIN_KEY.*openssl rand -hex 32/,
    );
    expect(() => resolveReceiverOptions({ adminKey: 'a' }, {})).toThrow(
      /ipHashSalt.*RECEIVER_IP_HASH_SALT.*openssl rand -hex 32/,
    );
  });

  it('reads RECEIVER_* variables, explicit options winning', () => {
    const options = resolveReceiverOptions(
      { timezone: 'Asia/Kolkata' },
      {
        ...secrets,
        RECEIVER_TIMEZONE: 'Europe/Paris',
        RECEIVER_ALLOWED_ORIGINS: 'https://a.com, https://b.com',
        RECEIVER_TRUSTED_PROXIES: '10.0.0.0/8,::1',
        RECEIVER_DATABASE_URL: 'postgres://u@h/db',
        RECEIVER_APP_URL: 'https://x.io/',
        RECEIVER_PRODUCTION: 'false',
      },
    );
    expect(options).toMatchObject({
      timezone: 'Asia/Kolkata',
      allowedOrigins: ['https://a.com', 'https://b.com'],
      trustedProxies: ['10.0.0.0/8', '::1'],
      database: { type: 'postgres', url: 'postgres://u@h/db' },
      appUrl: 'https://x.io',
      production: false,
      routePrefix: 'api',
      migrationsRun: true,
    });
  });

  it('defaults to SQLite, production unless NODE_ENV is development or test', () => {
    expect(resolveReceiverOptions({}, { ...secrets })).toMatchObject({
      database: { type: 'better-sqlite3', database: './data/receiver.sqlite' },
      production: true,
    });
    expect(resolveReceiverOptions({}, { ...secrets, NODE_ENV: 'development' }).production).toBe(
      false,
    );
  });

  it('rejects an unknown time zone and a malformed proxy entry', () => {
    expect(() => resolveReceiverOptions({ timezone: 'Mars/Base' }, secrets)).toThrow(/IANA/);
    expect(() => resolveReceiverOptions({ trustedProxies: ['10.0.0.0/99'] }, secrets)).toThrow(
      /trusted proxy/,
    );
  });
});

describe('PHP input semantics', () => {
  it('treats missing, null, "", "0", 0 and false as empty', () => {
    for (const value of [undefined, null, '', '0', 0, false]) expect(isEmpty(value)).toBe(true);
    for (const value of ['a', ' ', 1, true, '00']) expect(isEmpty(value)).toBe(false);
  });

  it('coerces scalars to strings and refuses arrays and objects with 400', () => {
    expect(stringField({ a: 123 }, 'a')).toBe('123');
    expect(stringField({ a: true }, 'a')).toBe('1');
    expect(stringField({ a: false }, 'a')).toBe('');
    expect(stringField({ a: '  x ' }, 'a')).toBe('x');
    expect(stringField({}, 'a')).toBeUndefined();
    expect(() => stringField({ a: ['x'] }, 'a')).toThrow('a must be a string');
    expect(() => stringField({ a: { b: 1 } }, 'a')).toThrow('a must be a string');
  });

  it('casts ids like PHP (int) and reads truthiness like PHP', () => {
    expect(intField({ id: '12abc' }, 'id')).toBe(12);
    expect(intField({ id: 3.9 }, 'id')).toBe(3);
    expect(intField({ id: 'abc' }, 'id')).toBe(0);
    expect(isTruthy('false')).toBe(true);
    expect(isTruthy('0')).toBe(false);
  });

  it('truncates to a byte count without splitting a character', () => {
    expect(truncateBytes('héllo', 2)).toBe('h');
    expect(truncateBytes('héllo', 3)).toBe('hé');
    expect(truncateBytes('😀😀', 5)).toBe('😀');
    expect(truncateBytes('abc', 10)).toBe('abc');
  });
});

describe('time helpers', () => {
  it('formats instants in the configured zone', () => {
    const at = new Date('2026-01-15T20:30:05Z');
    expect(formatDateTime(at, 'UTC')).toBe('2026-01-15 20:30:05');
    expect(formatDateTime(at, 'Asia/Kolkata')).toBe('2026-01-16 02:00:05');
    expect(formatDate(at, 'America/New_York')).toBe('2026-01-15');
  });

  it('converts a wall-clock time of a zone to UTC, across DST', () => {
    expect(zonedToUtc('2026-01-16 00:00:00', 'Asia/Kolkata').toISOString()).toBe(
      '2026-01-15T18:30:00.000Z',
    );
    expect(zonedToUtc('2026-07-01 00:00:00', 'Europe/Paris').toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    );
  });
});

describe('client IP and hashing', () => {
  it('uses the peer address unless the peer is a trusted proxy (IP or CIDR)', () => {
    expect(clientIp(fakeRequest('203.0.113.5', '1.2.3.4'), [])).toBe('203.0.113.5');
    expect(clientIp(fakeRequest('10.1.2.3', '1.2.3.4, 10.0.0.1'), ['10.0.0.0/8'])).toBe('1.2.3.4');
    expect(clientIp(fakeRequest('::ffff:10.1.2.3', '1.2.3.4'), ['10.1.2.3'])).toBe('1.2.3.4');
    expect(clientIp(fakeRequest('10.1.2.3', 'garbage'), ['10.0.0.0/8'])).toBe('10.1.2.3');
    expect(clientIp(fakeRequest('192.168.1.1', '1.2.3.4'), ['10.0.0.0/8'])).toBe('192.168.1.1');
  });

  it('hashes IPs with the salt', () => {
    expect(hashIp('1.2.3.4', 'a')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIp('1.2.3.4', 'a')).not.toBe(hashIp('1.2.3.4', 'b'));
  });
});

describe('domain lock', () => {
  it('matches the domain and its subdomains, ignoring www.', () => {
    expect(isDomainAllowed('https://www.example.com', undefined, 'example.com')).toBe(true);
    expect(isDomainAllowed('https://a.b.example.com:8443', undefined, ' Example.com ,x.io')).toBe(
      true,
    );
    expect(isDomainAllowed('https://badexample.com', undefined, 'example.com')).toBe(false);
    expect(isDomainAllowed(undefined, 'https://shop.x.io/page', 'example.com,x.io')).toBe(true);
  });

  it('allows callers without Origin/Referer and refuses Origin: null', () => {
    expect(isDomainAllowed(undefined, undefined, 'example.com')).toBe(true);
    expect(isDomainAllowed('', 'https://evil.com', 'example.com')).toBe(true);
    expect(isDomainAllowed('null', undefined, 'example.com')).toBe(false);
  });
});
