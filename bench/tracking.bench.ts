/**
 * `npm run bench -- tracking`: the sample receiver (Fastify, SQLite file, inline group commit) and
 * a bare Fastify route, each in its own process, loaded in the same run by autocannon with 50
 * connections and varied, realistic pageview bodies. Prints req/s, p50 and p99 of both and their
 * ratio, then counts the stored pageviews to prove that every 202 was written.
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startReceiverProcess } from '../test/support/receiver-process.client';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 3;
const ROUNDS = 4;
const ROUND_SECONDS = 3;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const REFERRERS = [
  '',
  'https://www.google.com/',
  'https://t.co/x',
  'https://news.ycombinator.com/',
];
const PAGES = ['/', '/pricing', '/blog/group-commit', '/docs/install', '/products/42'];

let counter = 0;
/** A new pageview per request: 2 000 visitors, their sessions, unique URLs (no dedup). */
function pageview(): { body: string; userAgent: string; url: string } {
  const n = counter++;
  const visitor = n % 2000;
  const query = n % 7 === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=spring' : '';
  const url = `https://shop.example.com${PAGES[n % PAGES.length]}${query}${query ? '&' : '?'}n=${n}`;
  return {
    url,
    userAgent: USER_AGENTS[visitor % USER_AGENTS.length],
    body: JSON.stringify({
      url,
      page_title: 'Example shop — a realistic page title',
      referrer: REFERRERS[n % REFERRERS.length],
      visitor_id: `6f1c2a3b-4d5e-4f60-8a7b-${String(visitor).padStart(12, '0')}`,
      session_token: `0b1c2d3e-4f50-4617-8293-${String(visitor).padStart(12, '0')}`,
      fingerprint: `${USER_AGENTS[visitor % USER_AGENTS.length]}|en-GB|1920x1080|24|-60|true|true|AAAAAElFTkSuQmCC${visitor}`,
      screen_resolution: '1920x1080',
      timezone: 'Europe/London',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      utm_content: '',
      utm_term: '',
    }),
  };
}

/** URLs of the pageviews the receiver acknowledged with 202 (checked against the table). */
const acknowledged: string[] = [];

/** One timed load of `seconds` on a pageview endpoint; `record` keeps the acknowledged URLs. */
async function load(
  url: string,
  publicKey: string,
  seconds: number,
  record = false,
): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/track/pageview.php`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': publicKey,
      accept: '*/*',
      'accept-language': 'en-GB',
      // Lets one load generator exceed the 60/min per-IP rate limit (non-production only).
      'x-test-mode': 'phpunit',
    },
    requests: [
      {
        // One request in flight per connection: the context remembers which one it is.
        setupRequest: (request, context) => {
          const { body, userAgent, url: pageUrl } = pageview();
          context.url = pageUrl;
          return { ...request, body, headers: { ...request.headers, 'user-agent': userAgent } };
        },
        onResponse: (status, _body, context) => {
          if (record && status === 202) acknowledged.push(context.url as string);
        },
      },
    ],
  });
}

function startBare(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'support', 'bare-fastify.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    },
  );
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ child, url: (JSON.parse(line) as { url: string }).url }),
    );
  });
}

interface Totals {
  requests: number;
  seconds: number;
  p50: number[];
  p99: number[];
  non2xx: number;
  errors: number;
}

const totals = (): Totals => ({ requests: 0, seconds: 0, p50: [], p99: [], non2xx: 0, errors: 0 });
const add = (t: Totals, r: autocannon.Result): void => {
  t.requests += r['2xx'];
  t.seconds += r.duration;
  t.p50.push(r.latency.p50);
  t.p99.push(r.latency.p99);
  t.non2xx += r.non2xx;
  t.errors += r.errors;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];
const rate = (t: Totals): number => t.requests / t.seconds;
const row = (name: string, t: Totals): string =>
  `${name.padEnd(20)} ${String(Math.round(rate(t))).padStart(7)} req/s   p50 ${median(t.p50)} ms   ` +
  `p99 ${median(t.p99)} ms (worst round ${Math.max(...t.p99)} ms)   non-2xx ${t.non2xx}   errors ${t.errors}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracking-bench-'));
  const file = join(dir, 'receiver.sqlite');
  const bare = await startBare();
  const receiver = await startReceiverProcess(file);
  try {
    const { url, publicKey } = receiver.info;
    await load(bare.url, 'none', WARMUP_SECONDS);
    await load(url, publicKey, WARMUP_SECONDS);
    // The machine is shared: alternate short rounds so both servers see the same conditions.
    const bareTotals = totals();
    const receiverTotals = totals();
    for (let round = 0; round < ROUNDS; round++) {
      add(bareTotals, await load(bare.url, 'none', ROUND_SECONDS));
      add(receiverTotals, await load(url, publicKey, ROUND_SECONDS, true));
    }
    const ratio = rate(receiverTotals) / rate(bareTotals);
    console.log(
      `\n${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, varied pageview bodies`,
    );
    console.log(row('bare Fastify route', bareTotals));
    console.log(row('receiver (SQLite)', receiverTotals));
    console.log(
      `ratio receiver / bare: ${ratio.toFixed(2)} (goal ≥ 0.40); receiver p99 ${median(receiverTotals.p99)} ms (goal ≤ 20 ms)`,
    );

    // Every acknowledged pageview must be in the table (requests still in flight when a round
    // ended are stored too, but were never counted as acknowledged).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const db = new Database(file, { readonly: true });
    const stored = new Set(
      (db.prepare('SELECT url FROM pageviews').all() as { url: string }[]).map((r) => r.url),
    );
    db.close();
    const missing = acknowledged.filter((pageUrl) => !stored.has(pageUrl));
    console.log(
      `acknowledged (202) pageviews: ${acknowledged.length}; missing from the table: ${missing.length}`,
    );
    if (missing.length > 0) process.exitCode = 1;
  } finally {
    receiver.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    await receiver.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
