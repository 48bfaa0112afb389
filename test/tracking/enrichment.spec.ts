import { isBotRequest } from '../../receiver/enrichment/bot.detector';
import { sha256Hex } from '../../receiver/enrichment/sha256';
import { categoriseReferrer } from '../../receiver/enrichment/referrer.categorizer';
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
