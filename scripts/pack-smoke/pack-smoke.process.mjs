// Processes of the pack smoke test: npm pack / npm install in temporary apps, and the apps
// themselves as plain node processes.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

/** What the tarball may hold: the three compiled entry folders and the package's own files. */
const SHIPPED =
  /^(dist\/(lib|receiver|cli)\/.+\.(js|d\.ts)|docs\/[\w-]+\.md|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/;
const REQUIRED = [
  'dist/lib/index.js',
  'dist/lib/index.d.ts',
  'dist/receiver/index.js',
  'dist/receiver/index.d.ts',
  'dist/cli/main.js',
  'dist/receiver/snippet/dist/micrologs.js',
];

/** `npm pack` (its prepack builds); checks the file list and returns the tarball's path. */
export function packTarball(root, dest, log) {
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', dest], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  const files = info.files.map((file) => file.path);
  const unexpected = files.filter((path) => !SHIPPED.test(path));
  if (unexpected.length > 0) throw new Error(`the tarball ships ${unexpected.join(', ')}`);
  const missing = REQUIRED.filter((path) => !files.includes(path));
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(', ')}`);
  log(
    `packed ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(0)} kB ` +
      `(unpacked ${(info.unpackedSize / 1024).toFixed(0)} kB)`,
  );
  return join(dest, info.filename);
}

/** `npm install …` in `dir`; returns how long it took and the size of node_modules after it. */
export function timedInstall(dir, specs, flags = []) {
  const start = process.hrtime.bigint();
  execFileSync(NPM, ['install', ...QUIET, ...flags, ...specs], { cwd: dir, stdio: 'inherit' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const bytes = Number(
    execFileSync('du', ['-sb', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
  );
  return { seconds, bytes };
}

/**
 * Starts `node dist/main.js` in `dir` and resolves once its output matches `ready`; rejects with
 * the output when the process ends first or stays silent for a minute.
 */
export function startNode(dir, env, ready) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const { code, signal } = await exited;
    // Nest's shutdown hooks re-raise the signal after closing the application.
    if (code !== 0 && signal !== 'SIGTERM')
      throw new Error(`${dir} did not stop cleanly (code ${code}, signal ${signal}):\n${output}`);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${dir} printed no ${ready} within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ match, stop, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      const error = new Error(`${dir} exited (code ${code}, signal ${signal}):\n${output}`);
      error.output = output;
      reject(error);
    });
  });
}
