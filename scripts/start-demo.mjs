#!/usr/bin/env node
// `npm start`: runs the sample receiver (sample-app/server) and, when present, the sample client
// (sample-app/client) together on the embedded defaults; creates or reuses a demo project whose
// reports are signed, and prints where to look and the keys. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_PORT = Number(process.env.PORT ?? 3000);
const CLIENT_PORT = Number(process.env.CLIENT_PORT ?? 3001);
const base = `http://127.0.0.1:${SERVER_PORT}`;
const clientBase = `http://127.0.0.1:${CLIENT_PORT}`;
// The sample apps are found from this script, so the demo runs from any directory; its data
// (SQLite file, secrets, the client's outbox) stays in the working directory.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swcRegister = createRequire(import.meta.url).resolve('@swc-node/register');
const dataDir = 'data';
const secretsFile = join(dataDir, 'demo-secrets.json');
const projectFile = join(dataDir, 'demo-project.json');
const children = [];

mkdirSync(dataDir, { recursive: true });
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

// The receiver refuses to start without these two secrets; the demo keeps its own in data/.
const secrets = readJson(secretsFile) ?? {
  adminKey: process.env.RECEIVER_ADMIN_KEY || randomBytes(32).toString('hex'),
  ipHashSalt: process.env.RECEIVER_IP_HASH_SALT || randomBytes(32).toString('hex'),
};
writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });

function start(label, file, env) {
  const child = spawn(process.execPath, ['-r', swcRegister, join(root, file)], {
    env: { SWC_NODE_PROJECT: join(root, 'tsconfig.json'), ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which stops the apps in order.
    detached: true,
  });
  child.on('exit', (code) => {
    console.log(`[demo] ${label} exited (${code ?? 'signal'})`);
    shutdown(code ?? 0);
  });
  children.push(child);
  return child;
}

let stopping = false;
/** Stops the client first (its last report still reaches the receiver), then the receiver. */
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Test-Mode': 'phpunit', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function waitForHealth() {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the receiver did not answer on ${base}/api/health within 60 s`);
}

/** A short link of the demo project, so the printed block can show a redirect. */
async function demoLink(project) {
  const created = await api(
    'POST',
    '/api/links/create',
    { destination_url: 'https://docs.nestjs.com/', label: 'Demo' },
    { 'X-API-Key': project.secret_key },
  );
  if (created.status !== 200)
    throw new Error(`could not create the demo link: ${created.body?.message}`);
  return created.body.data.short_url;
}

/** Reuses the saved demo project while its secret key still verifies, else creates one. */
async function demoProject() {
  const saved = readJson(projectFile);
  if (saved) {
    const check = await api('POST', '/api/projects/verify', { key: saved.secret_key });
    if (check.body?.data?.valid) {
      // Short URLs are absolute since the demo sets RECEIVER_APP_URL; older files kept a relative one.
      if (!saved.short_url?.startsWith(`${base}/`)) {
        saved.short_url = await demoLink(saved);
        writeFileSync(projectFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
      }
      return { ...saved, reused: true };
    }
  }
  const signingSecret = randomBytes(24).toString('hex');
  const created = await api(
    'POST',
    '/api/projects/create',
    { name: 'Demo', allowed_domains: ['localhost', '127.0.0.1'], signing_secret: signingSecret },
    { 'X-Admin-Key': secrets.adminKey },
  );
  if (created.status !== 200)
    throw new Error(`could not create the demo project: ${created.body?.message}`);
  const project = { ...created.body.data, signing_secret: signingSecret };
  await api(
    'PUT',
    '/api/flags/welcome_banner',
    { description: 'Shown by the sample client', defaultValue: true },
    { 'X-API-Key': project.secret_key },
  );
  project.short_url = await demoLink(project);
  writeFileSync(projectFile, JSON.stringify(project, null, 2), { mode: 0o600 });
  return { ...project, reused: false };
}

start('receiver', 'sample-app/server/main.ts', {
  PORT: String(SERVER_PORT),
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  RECEIVER_ADMIN_KEY: secrets.adminKey,
  RECEIVER_IP_HASH_SALT: secrets.ipHashSalt,
  RECEIVER_ALLOWED_ORIGINS: process.env.RECEIVER_ALLOWED_ORIGINS ?? clientBase,
  // Short links are built from it: absolute URLs in answers.
  RECEIVER_APP_URL: process.env.RECEIVER_APP_URL ?? base,
});

try {
  await waitForHealth();
  const project = await demoProject();
  const clientEntry = 'sample-app/client/main.ts';
  const withClient = existsSync(join(root, clientEntry));
  if (withClient) {
    start('client', clientEntry, {
      PORT: String(CLIENT_PORT),
      TELEMETRY_SERVER_URL: `${base}/api/telemetry`,
      TELEMETRY_HOST: 'demo-client',
      TELEMETRY_CUSTOM_HEADERS: JSON.stringify({ 'X-API-Key': project.secret_key }),
      TELEMETRY_SIGNING_ENABLED: 'true',
      TELEMETRY_SIGNING_KEY: project.signing_secret,
      TELEMETRY_SIGNING_MODE: 'timestamped',
      // Short intervals so the demo shows data within seconds.
      TELEMETRY_DEFAULT_INTERVAL: process.env.TELEMETRY_DEFAULT_INTERVAL ?? '10',
      TELEMETRY_REPORT_INTERVAL: process.env.TELEMETRY_REPORT_INTERVAL ?? '10',
      TELEMETRY_FLAGS_POLL_INTERVAL: process.env.TELEMETRY_FLAGS_POLL_INTERVAL ?? '10',
      TELEMETRY_ALLOW_INSECURE_TRANSPORT: 'true',
      // Logs each report sent and the receiver's answer (secrets redacted).
      TELEMETRY_VERBOSE_LOGGING: process.env.TELEMETRY_VERBOSE_LOGGING ?? 'true',
    });
  }
  const key = project.secret_key;
  // A realtime token for the live page (valid one hour; restart the demo for a new one).
  const minted = await api(
    'POST',
    '/api/realtime/tokens',
    { project_id: project.id, ttl_seconds: 3600 },
    { 'X-Admin-Key': secrets.adminKey },
  );
  const livePage =
    minted.status === 200 ? `${base}/live#token=${minted.body.data.token}` : 'not available';
  const json = (value) => `'${JSON.stringify(value)}'`;
  const pageview = {
    url: 'http://localhost/pricing?utm_source=demo',
    page_title: 'Pricing',
    visitor_id: 'demo-visitor',
    session_token: 'demo-session',
  };
  // What a browser sends: without these headers the bot filter answers 204 and stores nothing.
  const browser = `-H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' -H 'Accept: */*' -H 'Accept-Language: en' -H 'Origin: http://localhost'`;
  const post = `-X POST -H 'Content-Type: application/json'`;
  console.log(`
[demo] Receiver      ${base}/api   (health: ${base}/api/health, API docs: ${base}/api/docs)
[demo] Client        ${withClient ? `${clientBase} (host "demo-client", signed reports every 10 s; it logs each report and each flag change)` : 'not started (sample-app/client is not in this checkout)'}
[demo] Project       "${project.name}" #${project.id} ${project.reused ? '(reused)' : '(created)'}, allowed domains ${project.allowed_domains.join(', ')}
[demo] Admin key     ${secrets.adminKey}
[demo] Secret key    ${key}
[demo] Public key    ${project.public_key}
[demo] Signing key   ${project.signing_secret}
[demo] Short link    ${project.short_url}
[demo] Live page     ${livePage}   (live visitors and errors; send the pageview and error below)
[demo] Try:
  # telemetry: the demo client's latest values
  curl -s ${base}/api/telemetry/hosts/demo-client -H 'X-API-Key: ${key}'
  # a flag: the client shows its banner while welcome_banner is on; turn it off and watch the client's log
  curl -s ${clientBase}/
  curl -s -X PUT ${base}/api/flags/welcome_banner -H 'X-API-Key: ${key}' -H 'Content-Type: application/json' -d '{"defaultValue": false}'
  # tracking: a pageview as a browser sends it, and an error
  curl -s ${post} ${base}/api/track/pageview -H 'X-API-Key: ${project.public_key}' ${browser} -d ${json(pageview)}
  curl -s ${post} ${base}/api/track/error -H 'X-API-Key: ${key}' -d '{"message": "Demo failure", "error_type": "DemoError", "severity": "critical"}'
  # analytics
  curl -s '${base}/api/analytics/visitors?range=7d' -H 'X-API-Key: ${key}'
  curl -s '${base}/api/analytics/errors' -H 'X-API-Key: ${key}'
  # the short link: a 302 to its destination, counted as a click
  curl -s -o /dev/null -w '%{http_code} %{redirect_url}\\n' ${project.short_url}
  curl -s '${base}/api/analytics/links' -H 'X-API-Key: ${key}'
  # projects (admin key)
  curl -s ${base}/api/projects/list -H 'X-Admin-Key: ${secrets.adminKey}'
`);
} catch (error) {
  console.error(`[demo] ${error.message}`);
  shutdown(1);
}
