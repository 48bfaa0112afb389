import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { OpenApiMessages } from '../../receiver/openapi/openapi.constants';

/**
 * `@nestjs/swagger` is an optional peer dependency. A child process where it cannot be resolved
 * (as on an install without it) loads the whole receiver — every documented controller — and
 * reports what the decorators left and what setupReceiverOpenApi() says.
 */
const PROBE = `
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@nestjs/swagger' || request.startsWith('@nestjs/swagger/')) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
require('reflect-metadata');
const receiver = require('./receiver');
const { ProjectsController } = require('./receiver/projects/projects.controller');
const { TelemetryController } = require('./receiver/telemetry/telemetry.controller');
const keys = [
  ...Reflect.getMetadataKeys(ProjectsController.prototype.create),
  ...Reflect.getMetadataKeys(TelemetryController.prototype.report),
  ...Reflect.getMetadataKeys(ProjectsController),
];
let thrown = null;
try {
  receiver.setupReceiverOpenApi({});
} catch (error) {
  thrown = error.message;
}
process.stdout.write(JSON.stringify({ swaggerKeys: keys.filter((k) => String(k).startsWith('swagger/')), thrown }));
`;

function runProbe(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', PROBE], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('OpenAPI without @nestjs/swagger installed', () => {
  it('loads every controller with no documentation metadata, and setup says what to install', async () => {
    const run = await runProbe();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      swaggerKeys: [],
      thrown: OpenApiMessages.swaggerMissing,
    });
  });
});
