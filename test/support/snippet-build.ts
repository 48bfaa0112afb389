import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Builds the browser snippet (as `npm run build` does) when it is missing or older than its source. */
export function ensureSnippetBuilt(): string {
  const file = join(ROOT, 'receiver', 'snippet', 'dist', 'micrologs.js');
  const source = join(ROOT, 'receiver', 'snippet', 'src', 'micrologs.ts');
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(source).mtimeMs) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-snippet.mjs')], { cwd: ROOT });
  }
  return file;
}
