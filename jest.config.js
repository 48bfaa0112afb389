// Nest 12 and a few of its dependencies ship ESM only; @swc/jest compiles them (and our TypeScript)
// to CommonJS. The pattern lets those packages through at any nesting depth under node_modules
// (`content-disposition` is the ESM-only dependency of @fastify/static, which serves Swagger UI).
const esmOnly = [
  '@nestjs',
  'file-type',
  'load-esm',
  'uid',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'cookie',
  'content-disposition',
].join('|');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { swcrc: true }],
  },
  transformIgnorePatterns: [`node_modules/(?!(?:.*/)?(?:${esmOnly})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 30_000,
  // A suite that leaves a handle open (a child process' pipe, a socket of a killed server) must not
  // keep the run from ending. One still does in the full run (not found yet: see CHANGELOG); run a
  // folder with --detectOpenHandles to find it.
  forceExit: true,
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
