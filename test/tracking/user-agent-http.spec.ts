/**
 * The user-agent table end to end: one pageview per real user agent through HTTP (each from its own
 * client address, no test hook, so the bot filter and rate limits apply as in production), then
 * `devices.php` must show the counts of contract 3.9 — the counts the original engine shows for
 * the same traffic. Errors and link clicks carry the same classification.
 */
import { createProject, type SeededProject } from '../analytics/analytics-fixtures';
import { describeEachEngine } from '../support/services';
import { describeReceiver, useReceiverApp, type ReceiverAppHandle } from '../support/receiver-app';
import { pageviewBody } from './tracking-fixtures';
import { USER_AGENT_CASES, type UserAgentCase } from './user-agent.cases';

const SAMSUNG_TABLET = USER_AGENT_CASES.find((c) => c.ua.includes('SAMSUNG SM-X710'))!;

type Facts = { deviceType: string; os: string; browser: string };

/** Pageviews per value, most first, ties by value: the shape and order of devices.php. */
function counted<K extends string>(values: string[], key: K) {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(
      ([value, pageviews]) =>
        ({ [key]: value, pageviews }) as Record<K, string> & {
          pageviews: number;
        },
    );
}

/** The analytics rows the table predicts for one pageview per browser case. */
function expectedDevices(facts: Facts[]) {
  return {
    by_device: counted(
      facts.map((f) => f.deviceType),
      'device_type',
    ).map(({ device_type, pageviews }) => ({
      device_type,
      pageviews,
      unique_visitors: pageviews, // one visitor per pageview
    })),
    by_os: counted(
      facts.map((f) => f.os),
      'os',
    ),
    by_browser: counted(
      facts.map((f) => f.browser),
      'browser',
    ),
  };
}

const contractFacts = (c: UserAgentCase): Facts => c;
const detailedFacts = (c: UserAgentCase): Facts => ({ ...c, ...c.detailed });

/** Sends the table's pageviews (client i from 10.9.0.i via the trusted proxy). */
async function sendTable(receiver: ReceiverAppHandle, project: SeededProject) {
  const statuses: Array<[string, number]> = [];
  for (const [i, c] of USER_AGENT_CASES.entries()) {
    const res = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ url: `https://site.test/ua/${i}` }),
      {
        'X-API-Key': project.publicKey,
        'User-Agent': c.ua,
        Accept: 'text/html,*/*',
        'Accept-Language': 'en-GB,en;q=0.9',
        Origin: 'https://site.test',
        'X-Forwarded-For': `10.9.0.${i + 1}`,
      },
    );
    statuses.push([c.label, res.status]);
  }
  return statuses;
}

const devicesOf = async (receiver: ReceiverAppHandle, project: SeededProject) => {
  const res = await receiver.http.get('/api/analytics/devices.php?range=1d', {
    'X-API-Key': project.secretKey,
  });
  expect(res.status).toBe(200);
  const { by_device, by_os, by_browser } = res.body.data;
  return { by_device, by_os, by_browser };
};

describeReceiver('user agents through HTTP, contract mode', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { trustedProxies: ['127.0.0.1'], appUrl: 'https://go.site.test' },
  });
  let project: SeededProject;
  let statuses: Array<[string, number]>;
  beforeAll(async () => {
    project = await createProject(receiver, 'UA table');
    statuses = await sendTable(receiver, project);
  });

  it('stores real browsers (202) and drops bots (204)', () => {
    expect(statuses).toEqual(USER_AGENT_CASES.map((c) => [c.label, c.bot ? 204 : 202]));
  });

  it('devices.php counts them as contract 3.9 says (Samsung Internet and in-app → Chrome)', async () => {
    const browsers = USER_AGENT_CASES.filter((c) => !c.bot);
    const devices = await devicesOf(receiver, project);
    expect(devices).toEqual(expectedDevices(browsers.map(contractFacts)));
    expect(devices.by_browser.find((b: { browser: string }) => b.browser === 'Unknown')).toEqual({
      browser: 'Unknown',
      pageviews: 3, // Instagram and Facebook on iOS, Opera Mini: no browser token at all
    });
  });

  it('classifies the device of errors and link clicks the same way', async () => {
    const headers = { 'X-API-Key': project.secretKey, 'User-Agent': SAMSUNG_TABLET.ua };
    const error = await receiver.http.post(
      '/api/track/error.php',
      { message: 'tablet failure' },
      headers,
    );
    expect(error.status).toBe(202);
    const errors = await receiver.http.get('/api/analytics/errors.php?range=1d', headers);
    const [group] = errors.body.data.errors;
    const detail = await receiver.http.get(
      `/api/analytics/error-detail.php?range=1d&id=${group.id}`,
      headers,
    );
    expect(detail.body.data.events[0].device).toEqual({
      type: 'mobile',
      os: 'Android',
      browser: 'Chrome',
    });

    const link = await receiver.http.post(
      '/api/links/create.php',
      { destination_url: 'https://site.test/landing' },
      headers,
    );
    const code = link.body.data.code as string;
    const click = await receiver.http.get(`/api/redirect.php?c=${code}`, headers);
    expect(click.status).toBe(302);
    const clicks = await receiver.http.get(
      `/api/analytics/link-detail.php?range=1d&code=${code}`,
      headers,
    );
    expect(clicks.body.data.by_device).toEqual([{ device_type: 'mobile', clicks: 1 }]);
  });
});

describeEachEngine("user agents through HTTP, userAgentDetail: 'detailed'", (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { trustedProxies: ['127.0.0.1'], userAgentDetail: 'detailed' },
  });
  let project: SeededProject;
  beforeAll(async () => {
    project = await createProject(receiver, 'UA table, detailed');
    await sendTable(receiver, project);
  });

  it("devices.php shows the library's names and types, the contract's where it has none", async () => {
    const browsers = USER_AGENT_CASES.filter((c) => !c.bot);
    const devices = await devicesOf(receiver, project);
    expect(devices).toEqual(expectedDevices(browsers.map(detailedFacts)));
    expect(devices.by_browser).toEqual(
      expect.arrayContaining([
        { browser: 'Samsung Internet', pageviews: 3 },
        { browser: 'Instagram', pageviews: 2 },
        { browser: 'Facebook', pageviews: 2 },
      ]),
    );
    expect(devices.by_device).toEqual(
      expect.arrayContaining([{ device_type: 'smarttv', pageviews: 1, unique_visitors: 1 }]),
    );
  });
});
