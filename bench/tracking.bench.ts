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
const DURATION_SECONDS = 10;

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
function pageview(): { body: string; userAgent: string } {
  const n = counter++;
  const visitor = n % 2000;
  const query = n % 7 === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=spring' : '';
  return {
    userAgent: USER_AGENTS[visitor % USER_AGENTS.length],
    body: JSON.stringify({
      url: `https://shop.example.com${PAGES[n % PAGES.length]}${query}${query ? '&' : '?'}n=${n}`,
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

/** Loads for `seconds`, or for exactly `amount` requests (so every answer is counted). */
async function load(
  url: string,
  publicKey: string,
  run: { seconds: number } | { amount: number },
): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/track/pageview.php`,
    connections: CONNECTIONS,
    ...('seconds' in run ? { duration: run.seconds } : { amount: run.amount }),
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
        setupRequest: (request) => {
          const { body, userAgent } = pageview();
          return { ...request, body, headers: { ...request.headers, 'user-agent': userAgent } };
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

const row = (name: string, r: autocannon.Result) =>
  `${name.padEnd(22)} ${String(Math.round(r.requests.average)).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   2xx ${r['2xx']}   non-2xx ${r.non2xx}   errors ${r.errors}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracking-bench-'));
  const file = join(dir, 'receiver.sqlite');
  const bare = await startBare();
  const receiver = await startReceiverProcess(file);
  try {
    const { publicKey } = receiver.info;
    await load(bare.url, 'none', { seconds: WARMUP_SECONDS });
    const bareResult = await load(bare.url, 'none', { seconds: DURATION_SECONDS });
    const warmup = await load(receiver.info.url, publicKey, { seconds: WARMUP_SECONDS });
    // Let the warm-up's last in-flight requests commit before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const db = new Database(file, { readonly: true });
    const before = (db.prepare('SELECT COUNT(*) AS n FROM pageviews').get() as { n: number }).n;
    // A fixed number of requests (about DURATION_SECONDS at the warm-up rate): every answer of
    // the run is counted, none is cut off by the end of a timed run.
    const amount = Math.round((warmup.requests.average || 100) * DURATION_SECONDS);
    const receiverResult = await load(receiver.info.url, publicKey, { amount });
    const after = (db.prepare('SELECT COUNT(*) AS n FROM pageviews').get() as { n: number }).n;
    db.close();

    const ratio = receiverResult.requests.average / bareResult.requests.average;
    console.log(
      `\n${CONNECTIONS} connections, about ${DURATION_SECONDS} s each, varied pageview bodies`,
    );
    console.log(row('bare Fastify route', bareResult));
    console.log(row('receiver (SQLite)', receiverResult));
    console.log(
      `ratio receiver / bare: ${ratio.toFixed(2)} (goal ≥ 0.40); receiver p99 ${receiverResult.latency.p99} ms (goal ≤ 20 ms)`,
    );
    const stored = after - before;
    console.log(
      `pageviews stored during the measured run: ${stored}; 202 answers: ${receiverResult['2xx']}`,
    );
    if (stored !== receiverResult['2xx']) {
      console.error('MISMATCH: not every 202 was stored');
      process.exitCode = 1;
    } else {
      console.log('every 202 was stored ✔');
    }
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
