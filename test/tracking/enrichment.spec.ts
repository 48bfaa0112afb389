import { isBotRequest } from '../../receiver/enrichment/bot.detector';
import { sha256Hex } from '../../receiver/enrichment/sha256';
import { categoriseReferrer } from '../../receiver/enrichment/referrer.categorizer';
import { UserAgentParser } from '../../receiver/enrichment/user-agent.parser';
import { parseUtm } from '../../receiver/enrichment/utm.parser';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const browser = { userAgent: CHROME_WINDOWS, accept: '*/*', acceptLanguage: 'en-GB' };

describe('referrer categorisation (contract 3.4)', () => {
  it.each([
    ['', 'direct'],
    ['https://www.google.com/search?q=x', 'organic_search'],
    ['https://duckduckgo.com/', 'organic_search'],
    ['https://mail.google.com/mail/u/0', 'organic_search'],
    ['https://t.co/abc', 'referral'],
    ['https://www.facebook.com/', 'social'],
    ['https://netflix.com/title/1', 'social'],
    ['https://x.com/someone', 'social'],
    ['https://outlook.live.com/', 'email'],
    ['https://mailchimp.com/campaign', 'email'],
    ['https://example.com/blog', 'referral'],
    ['not a url at all', 'referral'],
  ])('categorises %p as %s', (referrer, category) => {
    expect(categoriseReferrer(referrer)).toBe(category);
  });

  it('ignores the case of the host and one leading www.', () => {
    expect(categoriseReferrer('https://WWW.YouTube.com/watch')).toBe('social');
  });
});

describe('UTM parsing (contract 3.5)', () => {
  it('reads the five parameters from the query string and leaves missing ones empty', () => {
    expect(parseUtm('https://shop.test/p?utm_source=news+letter&utm_medium=email&x=1')).toEqual({
      utm_source: 'news letter',
      utm_medium: 'email',
      utm_campaign: '',
      utm_content: '',
      utm_term: '',
    });
  });

  it('takes the last of repeated values and ignores the fragment', () => {
    const utm = parseUtm('https://a.test/?utm_source=a&utm_source=b#utm_campaign=spring');
    expect(utm.utm_source).toBe('b');
    expect(utm.utm_campaign).toBe('');
  });

  it('treats an array-style parameter as a plain value instead of failing', () => {
    expect(parseUtm('https://a.test/?utm_term[]=shoes').utm_term).toBe('shoes');
  });

  it('decodes percent-encoded values', () => {
    expect(parseUtm('https://a.test/?utm_campaign=%C3%A9t%C3%A9').utm_campaign).toBe('été');
  });
});

describe('bot filter (contract 3.6)', () => {
  it('lets an ordinary browser through', () => {
    expect(isBotRequest(browser)).toBe(false);
  });

  it.each([
    'curl/8.5.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'python-requests/2.31',
    'axios/1.6.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
    'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  ])('flags %p as a bot', (userAgent) => {
    expect(isBotRequest({ ...browser, userAgent })).toBe(true);
  });

  it('flags requests without a user agent, Accept or Accept-Language header', () => {
    expect(isBotRequest({ ...browser, userAgent: '' })).toBe(true);
    expect(isBotRequest({ ...browser, accept: undefined })).toBe(true);
    expect(isBotRequest({ ...browser, acceptLanguage: '' })).toBe(true);
  });
});

describe('SHA-256 of identifiers', () => {
  it('hashes visitor ids and fingerprints as lower-case hex of their UTF-8 bytes', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('user agent parsing (contract 3.9)', () => {
  const parser = new UserAgentParser();

  it.each([
    [CHROME_WINDOWS, 'desktop', 'Windows', 'Chrome', '120.0.0.0'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'desktop',
      'macOS',
      'Safari',
      '17.1',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      'mobile',
      'Android',
      'Chrome',
      '120.0.6099.144',
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'tablet',
      'iOS',
      'Safari',
      '17.0',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      'desktop',
      'Windows',
      'Edge',
      '120.0.2210.91',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      'desktop',
      'Linux',
      'Firefox',
      '121.0',
    ],
    ['my-backend/1.0', 'desktop', 'Unknown', 'Unknown', ''],
  ])('parses %p', (ua, deviceType, os, browserName, browserVersion) => {
    expect(parser.parse(ua)).toEqual({ deviceType, os, browser: browserName, browserVersion });
  });

  it('reports iPhones as iOS and Chrome on iOS as Chrome (the original said macOS / Safari)', () => {
    const info = parser.parse(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
    );
    expect(info).toMatchObject({ deviceType: 'mobile', os: 'iOS', browser: 'Chrome' });
  });
});
