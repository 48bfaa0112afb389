import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';

const root = resolve(__dirname, '../..');

function bash(command: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', command]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (code) => done({ code, stdout }));
  });
}

/**
 * `npm start`: the demo script with its two sample apps, in a temporary directory on free ports.
 * What it prints must work as printed, and the client must show the flag the demo sets.
 */
describe('the demo (npm start)', () => {
  const work = mkdtempSync(join(tmpdir(), 'demo-'));
  let demo: ChildProcess;
  let output = '';
  let clientUrl = '';

  /** Resolves once the demo's output (both apps log into it) matches. */
  const printed = (pattern: RegExp, timeoutMs = 45_000): Promise<RegExpMatchArray> =>
    new Promise((found, fail) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const match = pattern.exec(output);
        if (match) {
          clearInterval(poll);
          found(match);
        } else if (Date.now() - started > timeoutMs || demo.exitCode !== null) {
          clearInterval(poll);
          fail(new Error(`the demo never printed ${pattern}:\n${output}`));
        }
      }, 100);
    });

  beforeAll(async () => {
    const [port, clientPort] = [await freePort(), await freePort()];
    clientUrl = `http://127.0.0.1:${clientPort}`;
    demo = spawn(process.execPath, [join(root, 'scripts/start-demo.mjs')], {
      cwd: work,
      env: {
        ...process.env,
        PORT: String(port),
        CLIENT_PORT: String(clientPort),
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(async () => {
    if (demo.exitCode === null) {
      const exited = new Promise((done) => demo.once('exit', done));
      demo.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('starts quietly: no module or route listing before the block of URLs and keys', async () => {
    await printed(/\[demo\] Try:[\s\S]*projects\/list[^\n]*\n/);
    expect(output).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader/);
    expect(output).toMatch(
      /\[demo\] Short link +http:\/\/127\.0\.0\.1:\d+\/api\/redirect\.php\?c=\w{8}/,
    );
  }, 60_000);

  it('the client shows the flag the demo set and logs each report it sends', async () => {
    await printed(/Flag welcome_banner: unset → true/);
    await printed(/Telemetry payload: \{"host":"demo-client"[\s\S]*Telemetry response \(200\)/);
    const answer = await fetch(`${clientUrl}/`);
    expect(await answer.json()).toEqual({ banner: expect.stringContaining('Welcome') });
  }, 60_000);

  it('every curl line of the block works as printed', async () => {
    const block = output.slice(output.indexOf('[demo] Try:'));
    const lines = block
      .split('\n')
      .filter((line) => line.startsWith('  curl '))
      .map((line) => line.trim());
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      const result = await bash(line);
      expect({ line, code: result.code }).toEqual({ line, code: 0 });
      expect({ line, stdout: result.stdout }).toEqual({
        line,
        stdout: expect.stringMatching(
          /"success":true|^302 https:\/\/docs\.nestjs\.com\/|"banner":"Welcome/,
        ),
      });
    }
    const visitors = lines.find((line) => line.includes('/api/analytics/visitors'))!;
    expect(JSON.parse((await bash(visitors)).stdout).data.total_pageviews).toBe(1);
  }, 60_000);

  it('the client follows the flag turned off by the printed PUT', async () => {
    await printed(/Flag welcome_banner: true → false/);
    const answer = await fetch(`${clientUrl}/`);
    expect(await answer.json()).toEqual({ banner: null });
  }, 60_000);

  it('stops both apps on SIGINT', async () => {
    const exited = new Promise<number | null>((done) => demo.once('exit', done));
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toMatch(/client exited/);
  }, 30_000);
});
