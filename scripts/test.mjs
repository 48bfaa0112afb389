#!/usr/bin/env node
// `npm test`: probes the real engines this machine offers (PostgreSQL, MariaDB, Redis, Chromium),
// runs the whole jest suite against SQLite plus every engine that answered (in two jest runs, see
// below), and says plainly which ones it skipped. CI sets REQUIRE_SERVICES=postgres,mariadb,redis,chromium,prometheus: a missing one then fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const required = new Set(
  (process.env.REQUIRE_SERVICES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const withTimeout = (promise, ms) =>
  Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)),
  ]);

const probes = {
  postgres: {
    label: 'PostgreSQL',
    env: 'TEST_POSTGRES_URL',
    url: process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test',
    async check(url) {
      const { Client } = require('pg');
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  },
  mariadb: {
    label: 'MariaDB',
    env: 'TEST_MARIADB_URL',
    url: process.env.TEST_MARIADB_URL || 'mysql://root@127.0.0.1:3306/test',
    async check(url) {
      const mysql = require('mysql2/promise');
      const conn = await mysql.createConnection({ uri: url, connectTimeout: 2000 });
      try {
        await conn.query('SELECT 1');
      } finally {
        await conn.end().catch(() => undefined);
      }
    },
  },
  redis: {
    label: 'Redis',
    env: 'TEST_REDIS_URL',
    url: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    async check(url) {
      const Redis = require('ioredis');
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        connectTimeout: 2000,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    },
  },
  chromium: {
    label: 'Chromium',
    env: 'TEST_CHROMIUM_PATH',
    url: process.env.TEST_CHROMIUM_PATH || '/usr/bin/chromium',
    async check(path) {
      if (!existsSync(path)) throw new Error('not installed (apt-get install -y chromium)');
    },
  },
  prometheus: {
    label: 'Prometheus',
    env: 'TEST_PROMETHEUS_PATH',
    url: process.env.TEST_PROMETHEUS_PATH || '/usr/bin/prometheus',
    async check(path) {
      if (!existsSync(path)) throw new Error('not installed (apt-get install -y prometheus)');
    },
  },
};

const env = { ...process.env };
const skipped = [];
for (const [name, probe] of Object.entries(probes)) {
  try {
    await withTimeout(probe.check(probe.url), 4000);
    env[probe.env] = probe.url;
    console.log(`[test] ${probe.label}: using ${probe.url}`);
  } catch (error) {
    env[probe.env] = '';
    const line = `skipped: no ${probe.label} at ${probe.url} (${error.message}) — its suites are skipped`;
    if (required.has(name)) {
      console.error(
        `[test] ${probe.label} is required (REQUIRE_SERVICES) but did not answer at ${probe.url}: ${error.message}`,
      );
      process.exit(1);
    }
    skipped.push(line);
    console.log(`[test] ${line}`);
  }
}

// Two jest runs, one after the other (jest.config.js says which suites are which): the `serial`
// suites, which freeze, kill or fill services and bound timings, one at a time; then the others on
// two workers. Arguments given to `npm test` (paths, -t) apply to both runs.
const phases = [
  { project: 'serial', workers: ['--runInBand'] },
  { project: 'parallel', workers: ['--maxWorkers=2'] },
];
const resultsDir = mkdtempSync(join(tmpdir(), 'nestjs-telemetry-jest-'));
const jestBin = require.resolve('jest/bin/jest');

function runJest({ project, workers }) {
  const resultsFile = join(resultsDir, `${project}.json`);
  const args = [jestBin, '--selectProjects', project, ...workers, '--passWithNoTests'];
  const child = spawn(
    process.execPath,
    [...args, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
    { env, stdio: 'inherit' },
  );
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      const results = existsSync(resultsFile)
        ? JSON.parse(readFileSync(resultsFile, 'utf8'))
        : undefined;
      resolve({ failed: Boolean(signal) || code !== 0, results });
    }),
  );
}

const runs = [];
for (const phase of phases) runs.push(await runJest(phase));
rmSync(resultsDir, { recursive: true, force: true });

const sum = (count) =>
  runs.reduce((total, run) => total + (run.results ? count(run.results) : 0), 0);
for (const line of skipped) console.log(`[test] ${line}`);
if (runs.some((run) => run.results)) {
  const passed = sum((r) => r.numPassedTests);
  const failed = sum((r) => r.numFailedTests);
  const skippedTests = sum((r) => r.numPendingTests + r.numTodoTests);
  console.log(`\nTests: ${passed} passed, ${failed} failed, ${skippedTests} skipped`);
}
// Each run passes when its project has no suite under the given paths, but not both of them: a
// path that matches nothing is a mistake.
const noSuites = sum((r) => r.numTotalTestSuites) === 0;
if (noSuites) console.error('[test] no test suite matched');
process.exit(noSuites || runs.some((run) => run.failed) ? 1 : 0);
