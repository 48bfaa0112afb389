import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  documentationBlocks,
  documentationFiles,
  entrySource,
  markerProblems,
  missingOutputLine,
  packageImports,
  runnableBlocks,
} from './markdown-blocks';
import { freePort } from '../support/free-port';

const root = resolve(__dirname, '../..');
const swcRegister = require.resolve('@swc-node/register');
const blocks = documentationBlocks(root);
const runnable = runnableBlocks(blocks);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/^(`{3,})[\s\S]*?^\1\s*$/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', command], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('documentation: markers, imports and links', () => {
  it('marks every shell block runnable or not-runnable (with a reason), and gives every block a language', () => {
    expect(markerProblems(blocks)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(20);
  });

  it('imports in the TypeScript examples only names the package exports', async () => {
    const missing: string[] = [];
    for (const { block, entry, name, typeOnly } of packageImports(blocks)) {
      const source = entrySource(root, entry);
      // Values are looked up in the loaded entry; types, which have none, in its export list.
      const found =
        source !== undefined &&
        (typeOnly
          ? new RegExp(`\\b${name}\\b`).test(readFileSync(source, 'utf8'))
          : name in ((await import(source)) as Record<string, unknown>));
      if (!found) missing.push(`${block.file}:${block.line}: ${name} from '${entry}'`);
    }
    expect(missing).toEqual([]);
  });

  it('links to files and headings that exist', () => {
    const dead: string[] = [];
    for (const path of documentationFiles(root)) {
      const text = readFileSync(path, 'utf8').replace(/^(`{3,})[\s\S]*?^\1\s*$/gm, '');
      for (const [, target, anchor] of text.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]+))?\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const file = target === '' ? path : resolve(dirname(path), target);
        const where = `${path.slice(root.length + 1)}: (${target}${anchor ? `#${anchor}` : ''})`;
        if (!existsSync(file)) dead.push(`${where} does not exist`);
        else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
          dead.push(`${where}: no such heading`);
      }
    }
    expect(dead).toEqual([]);
  });
});

describe('documentation: every runnable shell block, against a real receiver', () => {
  const work = mkdtempSync(join(tmpdir(), 'docs-runnable-'));
  const env: NodeJS.ProcessEnv = {};
  let receiver: ChildProcess | undefined;

  beforeAll(async () => {
    // `npx nestjs-telemetry …` in the documentation runs this repository's CLI.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\nif [ "$1" = "nestjs-telemetry" ]; then shift; exec "${process.execPath}" -r "${swcRegister}" "${root}/cli/main.ts" "$@"; fi\n` +
        `echo "npx $1: the documentation test runs only nestjs-telemetry" >&2; exit 127\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);

    const adminKey = randomBytes(32).toString('hex');
    const port = await freePort();
    receiver = spawn(
      process.execPath,
      ['-r', swcRegister, join(root, 'sample-app/server/main.ts')],
      {
        cwd: work,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
          NODE_ENV: 'production',
          PORT: String(port),
          RECEIVER_APP_URL: `http://127.0.0.1:${port}`,
          RECEIVER_ADMIN_KEY: adminKey,
          RECEIVER_IP_HASH_SALT: randomBytes(32).toString('hex'),
          RECEIVER_DATABASE_URL: `sqlite:${join(work, 'receiver.sqlite')}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    receiver.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const url = await new Promise<string>((found, fail) => {
      createInterface({ input: receiver!.stdout! }).on('line', (line) => {
        log += line + '\n';
        const match = /Receiver listening on (http:\/\/\S+)\/api/.exec(line);
        if (match) found(match[1]);
      });
      receiver!.once('exit', (code) =>
        fail(new Error(`the sample receiver exited (${code}):\n${log}`)),
      );
    });
    const created = await fetch(`${url}/api/projects/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Admin-Key': adminKey },
      body: JSON.stringify({ name: 'Docs', allowed_domains: ['shop.example.com'] }),
    });
    const project = (await created.json()) as { data: { secret_key: string; public_key: string } };
    Object.assign(env, process.env, {
      PATH: `${bin}:${process.env.PATH}`,
      SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
      RECEIVER_URL: url,
      RECEIVER_ADMIN_KEY: adminKey,
      SECRET_KEY: project.data.secret_key,
      PUBLIC_KEY: project.data.public_key,
      APP_MODULE: join(root, 'sample-app/client/app.module.ts'),
      TELEMETRY_SERVER_URL: `${url}/api/telemetry`,
      TELEMETRY_CUSTOM_HEADERS: JSON.stringify({ 'X-API-Key': project.data.secret_key }),
      TELEMETRY_HOST: 'docs-client',
    });
  }, 60_000);

  afterAll(async () => {
    if (receiver && receiver.exitCode === null) {
      const exited = new Promise((done) => receiver!.once('exit', done));
      receiver.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it.each(runnable.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s',
    async (_name, block) => {
      const result = await run(block.body, work, env);
      const shown = `$ ${block.body}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
      if (result.code !== 0) throw new Error(`exit code ${result.code}\n${shown}`);
      if (block.output) {
        const missing = missingOutputLine(result.stdout, block.output.body);
        if (missing !== undefined)
          throw new Error(
            `the output shown at ${block.file}:${block.output.line} does not match: "${missing}" not found\n${shown}`,
          );
      }
    },
    60_000,
  );
});
