// Nest 12 and a few of its dependencies ship ESM only; @swc/jest compiles them (and our TypeScript)
// to CommonJS. The pattern lets those packages through at any nesting depth under node_modules.
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
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
