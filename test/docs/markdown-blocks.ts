import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the HTML comment right before a code block says about it. */
export type BlockMarker = 'runnable' | 'not-runnable' | 'output' | undefined;

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** Repository-relative path of the file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the fence's info string (`sh`, `ts`, `text` …); `''` when absent. */
  lang: string;
  body: string;
  marker: BlockMarker;
  /** The text after `not-runnable:`. */
  reason?: string;
}

/** A runnable shell block and, when the documentation shows it, what it prints. */
export interface RunnableBlock extends CodeBlock {
  output?: CodeBlock;
}

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);
const MARKER = /^<!--\s*(runnable|not-runnable|output)\s*(?::\s*(.*?))?\s*-->$/;

/**
 * The fenced code blocks of a Markdown document (CommonMark fences: a block opened with N
 * backticks closes at a line of at least N backticks, so a ````-fenced example may contain ```
 * fences without them counting as blocks).
 */
export function parseCodeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let open:
    { line: number; ticks: number; lang: string; marker: BlockMarker; reason?: string } | undefined;
  let body: string[] = [];
  let previous = '';
  lines.forEach((raw, index) => {
    const fence = /^\s*(`{3,})\s*(.*)$/.exec(raw);
    if (open) {
      if (fence && fence[1].length >= open.ticks && fence[2] === '') {
        blocks.push({ file, ...open, body: body.join('\n') });
        open = undefined;
        previous = '';
      } else {
        body.push(raw);
      }
      return;
    }
    if (fence) {
      const marker = MARKER.exec(previous);
      open = {
        line: index + 1,
        ticks: fence[1].length,
        lang: fence[2].split(/\s+/)[0] ?? '',
        marker: marker?.[1] as BlockMarker,
        reason: marker?.[2],
      };
      body = [];
      return;
    }
    if (raw.trim() !== '') previous = raw.trim();
  });
  if (open) throw new Error(`${file}:${open.line}: code block never closed`);
  return blocks;
}

/** README.md first, then the getting-started page, then the other docs pages in name order. */
export function documentationFiles(root: string): string[] {
  const pages = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort(
      (a, b) =>
        Number(b.startsWith('getting-started')) - Number(a.startsWith('getting-started')) ||
        a.localeCompare(b),
    )
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...pages];
}

/** Every code block of the documentation, in reading order. */
export function documentationBlocks(root: string): CodeBlock[] {
  return documentationFiles(root).flatMap((path) =>
    parseCodeBlocks(relative(root, path), readFileSync(path, 'utf8')),
  );
}

/** Problems with the markers: each one a sentence naming the block. */
export function markerProblems(blocks: CodeBlock[]): string[] {
  const problems: string[] = [];
  blocks.forEach((block, i) => {
    const where = `${block.file}:${block.line}`;
    if (block.lang === '') problems.push(`${where}: a code block without a language`);
    if (SHELL_LANGS.has(block.lang)) {
      if (block.marker !== 'runnable' && block.marker !== 'not-runnable')
        problems.push(
          `${where}: a shell block marked neither <!-- runnable --> nor <!-- not-runnable: why -->`,
        );
      if (block.marker === 'not-runnable' && !block.reason)
        problems.push(`${where}: <!-- not-runnable --> without a reason`);
    } else if (block.marker === 'runnable' || block.marker === 'not-runnable') {
      problems.push(
        `${where}: a ${block.lang || 'plain'} block marked ${block.marker} (only shell blocks run)`,
      );
    }
    if (block.marker === 'output') {
      const before = blocks[i - 1];
      if (!before || before.file !== block.file || before.marker !== 'runnable')
        problems.push(`${where}: an output block that does not follow a runnable block`);
    }
  });
  return problems;
}

/** The runnable shell blocks, each with the output block that follows it. */
export function runnableBlocks(blocks: CodeBlock[]): RunnableBlock[] {
  return blocks.flatMap((block, i) => {
    if (block.marker !== 'runnable' || !SHELL_LANGS.has(block.lang)) return [];
    const next = blocks[i + 1];
    return [
      {
        ...block,
        output: next?.marker === 'output' && next.file === block.file ? next : undefined,
      },
    ];
  });
}

/**
 * Checks that the lines of `expected` appear in `actual` in order, each on one line, where `…`
 * stands for any text; blank expected lines are skipped. Returns the first line not found.
 */
export function missingOutputLine(actual: string, expected: string): string | undefined {
  const lines = actual.split('\n');
  let at = 0;
  for (const want of expected.split('\n')) {
    if (want.trim() === '') continue;
    const pattern = new RegExp(
      '^' +
        want
          .split('…')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
    );
    const found = lines.findIndex(
      (line, index) => index >= at && pattern.test(line.replace(/\s+$/, '')),
    );
    if (found < 0) return want;
    at = found + 1;
  }
  return undefined;
}

/** A name a TypeScript example imports from the package. */
export interface PackageImport {
  block: CodeBlock;
  /** `nestjs-telemetry`, `nestjs-telemetry/receiver` … */
  entry: string;
  name: string;
  /** Imported as a type only: it has no runtime value to look for. */
  typeOnly: boolean;
}

/** `import { A, B as C } from 'nestjs-telemetry…'` names of the TypeScript examples, per entry point. */
export function packageImports(blocks: CodeBlock[]): PackageImport[] {
  const found: PackageImport[] = [];
  for (const block of blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript')) {
    for (const match of block.body.matchAll(
      /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(nestjs-telemetry(?:\/[\w-]+)?)'/g,
    )) {
      const typeOnly = /^import\s+type\b/.test(match[0]);
      for (const part of match[1].split(',')) {
        const spec = part.trim();
        const name = spec.replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        if (name)
          found.push({
            block,
            entry: match[2],
            name,
            typeOnly: typeOnly || spec.startsWith('type '),
          });
      }
    }
  }
  return found;
}

/**
 * The source file behind an entry point of the package, from `package.json` `exports`
 * (`./dist/lib/index.d.ts` → `lib/index.ts`); `undefined` when the package exports no such entry.
 */
export function entrySource(root: string, entry: string): string | undefined {
  const exportsMap = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string } | string>;
    }
  ).exports;
  const key = '.' + entry.slice('nestjs-telemetry'.length);
  const target = exportsMap[key];
  const types = typeof target === 'object' ? target.types : undefined;
  return types && join(root, types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts'));
}
