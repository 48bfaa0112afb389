// Jest runs every suite with these defaults; `npm test` (scripts/test.mjs) adds the service URLs
// of the engines that answered on this machine.
process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';
process.env.TZ = 'UTC';
