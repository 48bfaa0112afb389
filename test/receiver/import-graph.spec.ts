import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The receiver is split by domain (STYLE.md: Shlink's layout): each folder under `receiver/` owns
 * its code, and other folders call its services and repositories. A folder-level import cycle
 * (A imports B while B imports A, directly or around a loop) means two domains reach into each
 * other's internals; this test keeps the graph acyclic. Files at the root of `receiver/` form the
 * composition root (the module, its feature list): a domain that imports them closes a cycle too.
 */

const RECEIVER = resolve(__dirname, '../../receiver');
const ROOT = '(root)';

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The top folder under `receiver/` a path belongs to, or the root for files directly in it. */
function folderOf(path: string): string {
  const parts = relative(RECEIVER, path).split(sep);
  if (parts.length > 1) return parts[0];
  return existsSync(path) && statSync(path).isDirectory() ? parts[0] : ROOT;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(RECEIVER)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      const target = resolve(dirname(file), specifier);
      if (relative(RECEIVER, target).startsWith('..')) continue; // lib/ and packages
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) edges.push({ from, to, file: relative(RECEIVER, file), specifier });
    }
  }
  return edges;
}

/** One cycle of the folder graph as `[a, b, …, a]`, or `undefined` when there is none. */
function findCycle(edges: Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const target of next.get(node) ?? []) {
      if (state.get(target) === 'open') return [...path.slice(path.indexOf(target)), target];
      if (!state.has(target)) {
        const cycle = visit(target);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of next.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

describe('receiver folder layout', () => {
  const edges = folderEdges();

  it('reads the imports between receiver folders', () => {
    // Guards the parser itself: these dependencies exist and must be seen.
    const seen = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to);
    expect(seen('analytics', 'storage')).toBe(true);
    expect(seen('analytics', 'links')).toBe(true);
    expect(seen(ROOT, 'tracking')).toBe(true);
  });

  it('finds a cycle when one folder imports another that imports it back', () => {
    const loop = [
      { from: 'links', to: 'analytics', file: 'links/a.ts', specifier: '../analytics/x' },
      { from: 'analytics', to: 'cache', file: 'analytics/b.ts', specifier: '../cache/y' },
      { from: 'cache', to: 'links', file: 'cache/c.ts', specifier: '../links/z' },
    ];
    expect(findCycle(loop)).toEqual(['links', 'analytics', 'cache', 'links']);
  });

  it('has no folder-level import cycle (domains never import each other both ways)', () => {
    const cycle = findCycle(edges);
    const culprits = (cycle ?? [])
      .slice(0, -1)
      .flatMap((from, i) =>
        edges
          .filter((e) => e.from === from && e.to === cycle![i + 1])
          .map((e) => `${e.file} imports ${e.specifier}`),
      );
    expect({ cycle, culprits }).toEqual({ cycle: undefined, culprits: [] });
  });
});
