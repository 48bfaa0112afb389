#!/usr/bin/env node
// `npm run pack:smoke`: the package as a user gets it. Packs the tarball (prepack builds it),
// checks what it ships, installs it from the registry plus the tarball into fresh client and
// receiver apps in a temporary folder (nothing from this repository's node_modules), compiles them
// against the shipped declarations, boots them as plain node processes, and checks that a report
// (client → receiver) and a pageview (HTTP with browser headers) are stored. Then the same apps
// again on each other Nest major named by --nest.
//
//   node scripts/pack-smoke.mjs [--nest 12,11] [--tarball file.tgz] [--client-only] [--keep]
//
// --client-only only measures the client-only install (also of an older tarball, for comparison).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { packTarball, startNode, timedInstall } from './pack-smoke/pack-smoke.process.mjs';
import {
  checkPageview,
  checkRealtime,
  checkReport,
  createProject,
} from './pack-smoke/pack-smoke.http.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'scripts/pack-smoke');
const { values: args } = parseArgs({
  options: {
    nest: { type: 'string', default: '12,11' },
    tarball: { type: 'string' },
    'client-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

/** What each Nest major installs on top of the apps (versions that install on Node 20). */
const NEST_STACKS = {
  12: { client: [], receiver: [] },
  11: {
    client: ['@nestjs/common@^11', '@nestjs/core@^11', '@nestjs/schedule@^6', '@nestjs/axios@^4'],
    receiver: [
      '@nestjs/common@^11',
      '@nestjs/core@^11',
      '@nestjs/platform-fastify@^11',
      '@nestjs/schedule@^6',
      '@nestjs/axios@^4',
      '@nestjs/typeorm@^11',
      '@nestjs/websockets@^11',
      '@nestjs/platform-ws@^11',
    ],
  },
};
/** The receiver's own dependencies: none of them may reach a client-only install. */
const RECEIVER_ONLY = [
  '@nestjs/typeorm',
  'typeorm',
  'better-sqlite3',
  'isbot',
  'lru-cache',
  'maxmind',
  'rotating-file-stream',
  'ua-parser-js',
];
const CLIENT_INSTALL = ['@nestjs/axios', '@nestjs/schedule', 'axios'];
const TOOLS = [
  `typescript@${JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'))).version}`,
  '@types/node@^20',
];

const work = mkdtempSync(join(tmpdir(), 'nestjs-telemetry-pack-smoke-'));
const log = (line) => console.log(`[pack-smoke] ${line}`);
const fail = (message) => {
  throw new Error(message);
};

function newApp(name, extra = {}) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  // better-sqlite3 compiles from source here: npm runs its build only when the app allows it.
  const pkg = { name: `smoke-${name}`, private: true, allowScripts: { 'better-sqlite3': true } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, ...extra }, null, 2));
  return dir;
}

const installed = (dir, name) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'))).version;
  } catch {
    return undefined;
  }
};

function compile(dir, source) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  copyFileSync(join(here, source), join(dir, 'src/main.ts'));
  copyFileSync(join(here, 'tsconfig.app.json'), join(dir, 'tsconfig.json'));
  // Type-checks the app against the shipped .d.ts files (skipLibCheck off), then emits.
  execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], {
    cwd: dir,
    stdio: 'inherit',
  });
}

/** The client-only install: time, size, and proof that nothing of the receiver came along. */
function installClient(tarball) {
  const dir = newApp('client');
  const { seconds, bytes } = timedInstall(dir, [tarball, ...CLIENT_INSTALL]);
  log(
    `client-only install (npm install nestjs-telemetry ${CLIENT_INSTALL.join(' ')}): ` +
      `${seconds.toFixed(1)} s, node_modules ${(bytes / 1024 / 1024).toFixed(1)} MiB`,
  );
  const leaked = RECEIVER_ONLY.filter((name) => installed(dir, name));
  return { dir, seconds, bytes, leaked };
}

/** Requiring the receiver without its peers must fail with the install command; returns it. */
function receiverHint(clientDir) {
  try {
    execFileSync(process.execPath, ['-e', "require('nestjs-telemetry/receiver')"], {
      cwd: clientDir,
      stdio: 'pipe',
    });
  } catch (error) {
    const command = /npm install [^\n]+/.exec(String(error.stderr))?.[0];
    if (!command) fail(`no install command in the receiver's load error:\n${error.stderr}`);
    return command;
  }
  return fail('nestjs-telemetry/receiver loaded in a client-only install');
}

let passed = 0;
/** Runs one named check; the run ends with the count of checks passed. */
async function check(name, body) {
  await body();
  passed += 1;
  log(`ok: ${name}`);
}

/** What the receiver reads from the environment (the smoke app passes no options). */
const receiverEnvironment = (database) => ({
  RECEIVER_DATABASE_URL: database,
  RECEIVER_ADMIN_KEY: 'pack-smoke-admin-key-0123456789abcdef',
  RECEIVER_IP_HASH_SALT: 'pack-smoke-salt-0123456789abcdef',
  RECEIVER_REALTIME: 'true',
});

async function runApps(clientDir, receiverDir, label) {
  const receiverEnv = receiverEnvironment(
    `sqlite:${join(work, `receiver-${label.replace(/\W+/g, '-')}.sqlite`)}`,
  );
  const receiver = await startNode(receiverDir, receiverEnv, /SMOKE_LISTENING (\d+)/);
  let client;
  try {
    const base = `http://127.0.0.1:${receiver.match[1]}/api`;
    const project = await createProject(base, receiverEnv.RECEIVER_ADMIN_KEY);
    await check(`${label}: a pageview sent with browser headers is stored`, () =>
      checkPageview(base, project),
    );
    await check(`${label}: the realtime WebSocket gateway streams a pageview`, () =>
      checkRealtime(base, project),
    );
    client = await startNode(
      clientDir,
      {
        TELEMETRY_SERVER_URL: `${base}/telemetry`,
        TELEMETRY_HOST: 'smoke-client',
        TELEMETRY_STORE: 'memory',
        TELEMETRY_AUTH_TOKEN_URL: `${base}/telemetry/token?key=${project.secret_key}`,
        TELEMETRY_SIGNING_ENABLED: 'true',
        TELEMETRY_SIGNING_KEY: project.signing,
        TELEMETRY_REPORT_INTERVAL: '1',
        TELEMETRY_FLAGS_POLL_INTERVAL: '0',
        TELEMETRY_ALLOW_INSECURE_TRANSPORT: 'true',
      },
      /SMOKE_READY/,
    );
    await check(`${label}: the client's signed report is stored`, () =>
      checkReport(base, project, 'smoke-client', 'smoke_orders').catch((error) => {
        throw new Error(`${error.message}\nclient output:\n${client.output()}`);
      }),
    );
    await check(`${label}: both apps stop cleanly on SIGTERM`, async () => {
      await client.stop();
      client = undefined;
      await receiver.stop();
    });
  } finally {
    await client?.stop().catch(() => undefined);
    await receiver.stop().catch(() => undefined);
  }
}

/** `specs` with every package that `overrides` names replaced by the override's version. */
function withOverrides(specs, overrides) {
  const nameOf = (spec) => spec.replace(/(?<=.)@[^@]*$/, '');
  const replaced = new Set(overrides.map(nameOf));
  return [...specs.filter((spec) => !replaced.has(nameOf(spec))), ...overrides];
}

async function main() {
  const tarball = args.tarball ? resolve(args.tarball) : packTarball(root, work, log);
  const client = installClient(tarball);
  await check('a client-only install pulls none of the receiver packages', () => {
    if (client.leaked.length > 0) fail(`client-only install pulled ${client.leaked.join(', ')}`);
  });
  if (args['client-only']) return;

  let hint;
  await check(
    'the receiver refuses to load without its peers and names the install command',
    () => {
      hint = receiverHint(client.dir);
      log(`  ${hint}`);
    },
  );
  const receiverPackages = hint.split(' ').slice(2);
  let driverPackages;
  let realtimePackages;

  for (const [index, major] of args.nest.split(',').map((m, i) => [i, m.trim()])) {
    const stack = NEST_STACKS[major] ?? fail(`--nest ${major}: known majors are 12 and 11`);
    // Each major gets fresh apps, installed the way an application on that major would be.
    const clientDir = stack.client.length === 0 ? client.dir : newApp(`client-${major}`);
    if (clientDir !== client.dir)
      timedInstall(clientDir, withOverrides([tarball, ...CLIENT_INSTALL], stack.client));
    timedInstall(clientDir, TOOLS, ['--save-dev']);
    compile(clientDir, 'client.main.ts');

    // The receiver app installs what the error told the user to install (first without a driver).
    const receiverDir = newApp(`receiver-${major}`);
    const receiverSpecs = [tarball, '@nestjs/platform-fastify', ...receiverPackages];
    timedInstall(
      receiverDir,
      // What the receiver's errors named (at the newest major), then the major's own versions.
      withOverrides(
        withOverrides(receiverSpecs, [...(driverPackages ?? []), ...(realtimePackages ?? [])]),
        stack.receiver,
      ),
    );
    timedInstall(receiverDir, TOOLS, ['--save-dev']);
    compile(receiverDir, 'receiver.main.ts');
    if (index === 0) {
      await check(
        'a SQLite receiver without better-sqlite3 refuses to start and names the command',
        () =>
          startNode(receiverDir, receiverEnvironment('sqlite::memory:'), /SMOKE_LISTENING/).then(
            () => fail('the receiver started without better-sqlite3'),
            (error) => {
              const driverHint = /npm install better-sqlite3\S*/.exec(error.output ?? '')?.[0];
              if (!driverHint) throw error;
              log(`  ${driverHint}`);
              driverPackages = driverHint.split(' ').slice(2);
            },
          ),
      );
      timedInstall(receiverDir, driverPackages);
      const database = `sqlite:${join(work, 'receiver-realtime-hint.sqlite')}`;
      await check(
        'a receiver with realtime on and without @nestjs/websockets refuses to start and names the command',
        () =>
          startNode(receiverDir, receiverEnvironment(database), /SMOKE_LISTENING/).then(
            () => fail('the receiver started its realtime endpoint without @nestjs/websockets'),
            (error) => {
              const hint = /npm install @nestjs\/websockets\S* \S+/.exec(error.output ?? '')?.[0];
              if (!hint) throw error;
              log(`  ${hint}`);
              realtimePackages = hint.split(' ').slice(2);
            },
          ),
      );
      timedInstall(receiverDir, realtimePackages);
    }

    const versions = [clientDir, receiverDir].map((dir) => installed(dir, '@nestjs/core'));
    await check(`both apps run on @nestjs/core ${major}.x`, () => {
      if (!versions.every((v) => v?.startsWith(`${major}.`)))
        fail(`expected @nestjs/core ${major}.x, got ${versions.join(' / ')}`);
    });
    await runApps(clientDir, receiverDir, `Nest ${versions[0]}`);
  }
}

try {
  await main();
  log(`all ${passed} checks passed`);
} catch (error) {
  console.error(`[pack-smoke] FAILED after ${passed} passed checks: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (args.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
