import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Builds the browser snippet (as `npm run build` does) when the built file is missing. */
export function ensureSnippetBuilt(): string {
  const file = join(ROOT, 'receiver', 'snippet', 'dist', 'micrologs.js');
  if (!existsSync(file)) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-snippet.mjs')], { cwd: ROOT });
  }
  return file;
}
