import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The compiled binary, `dist/cli/main.js`: what `npx nestjs-telemetry` runs. */
export const CLI_BINARY = join(root, 'dist', 'cli', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist')
        newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the package (`npm run build`) when the compiled CLI is missing or older than a source
 * file, so suites that run the binary as users do never test a stale build. CI builds first.
 */
export function ensureCliBuilt(): void {
  const built = existsSync(CLI_BINARY) ? statSync(CLI_BINARY).mtimeMs : 0;
  const sources = Math.max(
    ...['lib', 'cli', 'receiver'].map((dir) => newestSource(join(root, dir))),
  );
  if (built >= sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
}
