/**
 * Loads and checks the package's peer dependencies at run time, the way @nestjs/terminus loads its
 * optional integrations: a client-only install carries none of the receiver's stack, and whoever
 * uses a feature without its package gets the exact install command instead of a bare
 * MODULE_NOT_FOUND.
 */

/**
 * Every peer dependency checked at run time, with the range `package.json` declares for it (a test
 * keeps the two equal). The install hint names the newest alternative of the range.
 */
export const PEER_PACKAGES = {
  '@nestjs/typeorm': '^11 || ^12',
  typeorm: '^1.1.1',
  isbot: '^5.2.3',
  'lru-cache': '^11.5.3',
  'ua-parser-js': '^1.0.41',
  'better-sqlite3': '^12.11.1',
  pg: '^8.11.0',
  mysql2: '^3.9.0',
  maxmind: '^5.0.7',
  'rotating-file-stream': '^3.2.10',
  ioredis: '^5.4.0',
  '@openfeature/server-sdk': '^1.17.0',
  '@nestjs/swagger': '^11 || ^12',
  'prom-client': '^15.1.3',
  '@nestjs/websockets': '^11 || ^12',
  '@nestjs/platform-ws': '^11 || ^12',
} as const;

/** A peer dependency the package loads on demand. */
export type PeerPackage = keyof typeof PEER_PACKAGES;

/** What ReceiverModule needs whatever its options (the database driver comes on top). */
export const RECEIVER_PACKAGES: readonly PeerPackage[] = [
  '@nestjs/typeorm',
  'typeorm',
  'isbot',
  'lru-cache',
  'ua-parser-js',
];

type Load = (name: string) => unknown;

// A plain `require` on purpose: a static import would make the package mandatory for everyone.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requirePackage: Load = (name) => require(name);

/** Thrown when a feature is used without the package it needs; the message holds the command. */
export class MissingPackageError extends Error {
  constructor(
    readonly packages: readonly PeerPackage[],
    feature: string,
  ) {
    super(
      `${feature} needs ${packages.join(', ')}, which ${packages.length > 1 ? 'are' : 'is'} not ` +
        `installed. Install ${packages.length > 1 ? 'them' : 'it'}: ${installCommand(packages)}`,
    );
    this.name = 'MissingPackageError';
  }
}

/** `npm install name@range …` for the given packages, with the ranges this package supports. */
export function installCommand(packages: readonly PeerPackage[]): string {
  const specs = packages.map((name) => {
    const newest = PEER_PACKAGES[name].split('||').pop()!.trim();
    return `${name}@${newest}`;
  });
  return `npm install ${specs.join(' ')}`;
}

/** True when `error` says that `name` itself (not something inside it) cannot be found. */
function isNotFound(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}

/** Loads `name`, or `undefined` when it is not installed (other load errors propagate). */
export function loadOptionalPackage<T>(
  name: PeerPackage,
  load: Load = requirePackage,
): T | undefined {
  try {
    return load(name) as T;
  } catch (error) {
    if (isNotFound(error, name)) return undefined;
    throw error;
  }
}

/** Loads `name` for `feature`; a missing package throws {@link MissingPackageError}. */
export function loadPackage<T>(name: PeerPackage, feature: string, load: Load = requirePackage): T {
  const loaded = loadOptionalPackage<T>(name, load);
  if (loaded === undefined) throw new MissingPackageError([name], feature);
  return loaded;
}

/** Checks that every package `feature` needs is installed, naming all the missing ones at once. */
export function assertPackages(
  packages: readonly PeerPackage[],
  feature: string,
  load: Load = requirePackage,
): void {
  const missing = packages.filter((name) => loadOptionalPackage(name, load) === undefined);
  if (missing.length > 0) throw new MissingPackageError(missing, feature);
}
