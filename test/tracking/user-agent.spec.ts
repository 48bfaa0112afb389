import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { UserAgentParser } from '../../receiver/enrichment/user-agent.parser';
import { USER_AGENT_CASES } from './user-agent.cases';

const contract = new UserAgentParser();
const detailed = new UserAgentParser('detailed');

describe('user agent classification, contract mode (contract 3.9, the default)', () => {
  it.each(USER_AGENT_CASES)('$label', (c) => {
    expect(contract.parse(c.ua)).toEqual({
      deviceType: c.deviceType,
      os: c.os,
      browser: c.browser,
      browserVersion: c.version,
    });
  });

  it('answers desktop / Unknown / Unknown / "" for an empty or unrelated user agent', () => {
    const nothing = {
      deviceType: 'desktop',
      os: 'Unknown',
      browser: 'Unknown',
      browserVersion: '',
    };
    expect(contract.parse('')).toEqual(nothing);
    expect(contract.parse('my-backend/1.0')).toEqual(nothing);
  });

  it('matches device words case-insensitively but OS and browser tokens case-sensitively', () => {
    expect(contract.parse('Something TABLET windows chrome firefox/3')).toEqual({
      deviceType: 'tablet',
      os: 'Unknown',
      browser: 'Unknown',
      browserVersion: '',
    });
    expect(contract.parse('x MOBILE y').deviceType).toBe('mobile');
  });

  it('takes the version from the first pattern in the contract order, not the leftmost in the UA', () => {
    // Chrome/ comes first in the string, but Edg/ and OPR/ are tried first.
    expect(contract.parse('Chrome/1.2 Safari Edg/9.8').browserVersion).toBe('9.8');
    expect(contract.parse('Chrome/1.2 OPR/7.6').browserVersion).toBe('7.6');
    // The version rule does not depend on the browser rule: Firefox/ here, although browser is Chrome.
    expect(contract.parse('HeadlessChrome Firefox/5.0')).toMatchObject({
      browser: 'Chrome',
      browserVersion: '5.0',
    });
  });

  it('reads Version/<v> only when Safari follows it, and only the first Version/', () => {
    expect(contract.parse('Safari Version/3.1').browserVersion).toBe('');
    expect(contract.parse('Version/3.1 x Version/4.2 Safari').browserVersion).toBe('3.1');
    expect(contract.parse('Version/x Version/4.2 Safari/1').browserVersion).toBe('4.2');
    const crafted = `${'Version/1.0 '.repeat(2_000)}Safari`;
    expect(contract.parse(crafted).browserVersion).toBe('1.0');
  });

  it('cuts the version to the 20-character column', () => {
    expect(contract.parse('Chrome/1.2.3.4.5.6.7.8.9.10.11.12').browserVersion).toBe(
      '1.2.3.4.5.6.7.8.9.10',
    );
  });
});

describe("user agent classification, userAgentDetail: 'detailed'", () => {
  it.each(USER_AGENT_CASES)('$label', (c) => {
    const expected = { deviceType: c.deviceType, os: c.os, browser: c.browser, version: c.version };
    Object.assign(expected, c.detailed);
    expect(detailed.parse(c.ua)).toEqual({
      deviceType: expected.deviceType,
      os: expected.os,
      browser: expected.browser,
      browserVersion: expected.version,
    });
  });

  it('never reports Unknown for a browser the contract can name', () => {
    for (const c of USER_AGENT_CASES.filter((k) => k.browser !== 'Unknown')) {
      expect(detailed.parse(c.ua).browser).not.toBe('Unknown');
    }
    // The library knows nothing here; the contract's rules still name Chrome and its version.
    expect(detailed.parse('Chrome/99.1 something-new')).toMatchObject({
      browser: 'Chrome',
      browserVersion: '99.1',
    });
  });
});

describe('userAgentDetail option', () => {
  const secrets = { RECEIVER_ADMIN_KEY: 'a', RECEIVER_IP_HASH_SALT: 's' };

  it("defaults to 'contract', reads RECEIVER_USER_AGENT_DETAIL, and the option wins", () => {
    expect(resolveReceiverOptions({}, secrets).userAgentDetail).toBe('contract');
    expect(
      resolveReceiverOptions({}, { ...secrets, RECEIVER_USER_AGENT_DETAIL: 'detailed' })
        .userAgentDetail,
    ).toBe('detailed');
    expect(
      resolveReceiverOptions(
        { userAgentDetail: 'contract' },
        { ...secrets, RECEIVER_USER_AGENT_DETAIL: 'detailed' },
      ).userAgentDetail,
    ).toBe('contract');
  });

  it('refuses an unknown value at start-up, naming the option and the variable', () => {
    expect(() =>
      resolveReceiverOptions({}, { ...secrets, RECEIVER_USER_AGENT_DETAIL: 'full' }),
    ).toThrow(
      'Invalid receiver option "userAgentDetail" (env RECEIVER_USER_AGENT_DETAIL): "full" — expected "contract" or "detailed".',
    );
    expect(() =>
      resolveReceiverOptions({ userAgentDetail: 'fancy' as 'detailed' }, secrets),
    ).toThrow(
      'Invalid receiver option "userAgentDetail": "fancy" — expected "contract" or "detailed".',
    );
  });
});
