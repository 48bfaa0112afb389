import { resolveFlagsUrl } from '../../lib/transport/flags-url';

describe('flags URL', () => {
  const host = 'shop 1/eu';

  it('appends /flags to the report URL path and the host as a query parameter', () => {
    expect(resolveFlagsUrl({ serverUrl: 'https://t.example.com/api/telemetry', host })).toBe(
      'https://t.example.com/api/telemetry/flags?host=shop+1%2Feu',
    );
  });

  it('copes with a trailing slash and keeps the report URL query string', () => {
    expect(
      resolveFlagsUrl({ serverUrl: 'https://t.example.com/api/telemetry/?k=1', host: 'a' }),
    ).toBe('https://t.example.com/api/telemetry/flags?k=1&host=a');
  });

  it('uses flagsUrl as given, adding host only when it is not there yet', () => {
    expect(
      resolveFlagsUrl({
        serverUrl: 'https://t.example.com/api/telemetry',
        flagsUrl: 'https://f.example.com/v2/flags',
        host: 'a',
      }),
    ).toBe('https://f.example.com/v2/flags?host=a');
    expect(
      resolveFlagsUrl({ serverUrl: '', flagsUrl: 'https://f.example.com/flags?host=b', host: 'a' }),
    ).toBe('https://f.example.com/flags?host=b');
  });

  it('gives no URL when nothing usable is configured', () => {
    expect(resolveFlagsUrl({ serverUrl: '', host: 'a' })).toBeUndefined();
    expect(resolveFlagsUrl({ serverUrl: 'localhost', host: 'a' })).toBeUndefined();
  });
});
