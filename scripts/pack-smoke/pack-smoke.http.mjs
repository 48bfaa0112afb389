// HTTP side of the pack smoke test: what a user does with curl against the receiver.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

async function call(method, url, headers = {}, body) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/**
 * Polls `probe` once a second for 50 s (the receiver's read routes allow 60 requests a minute);
 * returns its first answer with `ok` or throws `what`.
 */
async function eventually(what, probe) {
  const deadline = Date.now() + 50_000;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last?.ok) return last;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`${what} (last answer: ${last?.text ?? 'none'})`);
}

/** Creates a project on `example.com` with a signing secret through the admin API. */
export async function createProject(base, adminKey) {
  const signing = randomBytes(16).toString('hex');
  const res = await call(
    'POST',
    `${base}/projects/create.php`,
    { 'X-Admin-Key': adminKey },
    { name: 'Pack smoke', allowed_domains: ['example.com'], signing_secret: signing },
  );
  if (res.status !== 200) throw new Error(`project creation answered ${res.status}: ${res.text}`);
  return { ...res.json.data, signing };
}

/**
 * A pageview as a browser on an allowed site sends it: a real user agent, Accept-Language and an
 * Origin of the project's domain (the bot filter drops anything that looks like a script).
 */
async function sendPageview(base, project) {
  const url = `https://shop.example.com/smoke-${randomBytes(4).toString('hex')}`;
  const res = await call(
    'POST',
    `${base}/track/pageview.php`,
    {
      'X-API-Key': project.public_key,
      'User-Agent': CHROME_UA,
      Accept: '*/*',
      'Accept-Language': 'en-GB,en;q=0.9',
      Origin: 'https://shop.example.com',
    },
    {
      url,
      page_title: 'Smoke',
      referrer: '',
      visitor_id: `v-${randomBytes(6).toString('hex')}`,
      session_token: `s-${randomBytes(6).toString('hex')}`,
      fingerprint: 'smoke',
      screen_resolution: '1920x1080',
      timezone: 'Europe/London',
    },
  );
  if (res.status !== 202) throw new Error(`pageview answered ${res.status}: ${res.text}`);
  return url;
}

/** Sends a pageview and waits until the pages analytics count it. */
export async function checkPageview(base, project) {
  const url = await sendPageview(base, project);
  // Analytics answers are cached per (range, limit): a new limit on each poll reads fresh rows.
  let limit = 10;
  await eventually('the pageview never showed in the pages analytics', async () => {
    const pages = await call('GET', `${base}/analytics/pages.php?limit=${limit++}`, {
      'X-API-Key': project.secret_key,
    });
    const rows = pages.json?.data?.pages ?? [];
    return {
      ok: rows.some((row) => row.url === url && Number(row.pageviews) >= 1),
      text: pages.text,
    };
  });
}

/** Waits until the receiver holds a value of `key` reported by `host`. */
export async function checkReport(base, project, host, key) {
  await eventually(`no "${key}" from ${host} reached the receiver`, async () => {
    const res = await call('GET', `${base}/telemetry/hosts/${host}`, {
      'X-API-Key': project.secret_key,
    });
    return {
      ok: res.status === 200 && res.json?.data?.values?.[key] !== undefined,
      text: res.text,
    };
  });
}

/**
 * The realtime WebSocket endpoint: refuses a client without credentials (HTTP 401), and streams a
 * pageview to a client holding the secret key.
 */
export async function checkRealtime(base, project) {
  const endpoint = `${base.replace(/^http/, 'ws')}/realtime?channels=pageviews`;
  const refused = await new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint);
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
    socket.once('open', () =>
      reject(new Error('the realtime endpoint let a client in without credentials')),
    );
    socket.once('error', reject);
  });
  if (refused !== 401) throw new Error(`a client without credentials got ${refused}, not 401`);
  const socket = new WebSocket(endpoint, { headers: { 'X-API-Key': project.secret_key } });
  try {
    const messages = [];
    let notify = () => undefined;
    // Each frame is a JSON array of messages.
    socket.on('message', (text) => {
      // Each frame is a JSON array of messages.
      messages.push(...JSON.parse(String(text)));
      notify();
    });
    const seen = (match, what) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${what} (got ${JSON.stringify(messages)})`)),
          20_000,
        );
        notify = () => {
          if (messages.some(match)) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await seen((m) => m.channel === 'hello', 'no hello on the realtime WebSocket');
    const url = await sendPageview(base, project);
    await seen(
      (m) => m.channel === 'pageviews' && m.data?.url === url,
      'the pageview never reached the realtime WebSocket',
    );
  } finally {
    socket.terminate();
  }
}
