#!/usr/bin/env node
// Builds the browser snippet (receiver/snippet/src/micrologs.ts) into one minified ES2019 file, in
// the source tree (receiver/snippet/dist, used when running from TypeScript) and beside the
// compiled receiver (dist/receiver/snippet/dist, shipped in the package). Fails above 3 KB gzipped.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT = 3 * 1024;

export async function buildSnippet() {
  const result = await build({
    entryPoints: [join(root, 'receiver/snippet/src/micrologs.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    write: false,
    legalComments: 'none',
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code).length;
  if (gzipped > LIMIT) throw new Error(`snippet is ${gzipped} bytes gzipped (limit ${LIMIT})`);
  for (const dir of ['receiver/snippet/dist', 'dist/receiver/snippet/dist']) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'micrologs.js'), code);
  }
  return { bytes: code.length, gzipped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { bytes, gzipped } = await buildSnippet();
  console.log(`snippet: ${bytes} bytes, ${gzipped} bytes gzipped`);
}
