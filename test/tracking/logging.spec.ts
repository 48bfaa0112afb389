import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ReceiverFileLogger } from '../../receiver/logging/receiver-file.logger';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject, dataSourceOf, testHeaders } from './tracking-fixtures';

describe('ReceiverFileLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes plain lines with time, level and context to the file', async () => {
    const logger = new ReceiverFileLogger({
      path: join(dir, 'logs', 'receiver.log'),
      console: false,
    });
    logger.warn('disk almost full', 'Storage');
    logger.error('write failed', 'at line 1', 'Ingest');
    await logger.close();
    const text = readFileSync(join(dir, 'logs', 'receiver.log'), 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN \[Storage\] disk almost full$/m);
    expect(text).toMatch(/ERROR \[Ingest\] write failed$/m);
    expect(text).toContain('at line 1');
  });

  it('rotates by size and keeps five files', async () => {
    const logger = new ReceiverFileLogger({
      path: join(dir, 'receiver.log'),
      size: '1K',
      console: false,
    });
    for (let i = 0; i < 400; i++) {
      logger.log(`line ${i} ${'x'.repeat(60)}`, 'Load');
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await logger.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'receiver.log',
      'receiver.log.1',
      'receiver.log.2',
      'receiver.log.3',
      'receiver.log.4',
    ]);
  });

  it('is configured from RECEIVER_LOG_FILE, and absent without it', async () => {
    expect(ReceiverFileLogger.fromEnv({})).toBeUndefined();
    const logger = ReceiverFileLogger.fromEnv({ RECEIVER_LOG_FILE: join(dir, 'env.log') });
    expect(logger).toBeInstanceOf(ReceiverFileLogger);
    await logger!.close();
    expect(existsSync(join(dir, 'env.log'))).toBe(true);
  });
});

describeEachAdapter('log lines of tracking requests', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('carry the request id that the client received in X-Request-Id', async () => {
    dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const logger = new ReceiverFileLogger({ path: join(dir, 'receiver.log'), console: false });
    receiver.app.useLogger(logger);
    const project = await createProject(receiver.app);
    const db = dataSourceOf(receiver.app);
    await db.query('PRAGMA query_only = ON');
    const res = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'logged' },
      testHeaders(project.secretKey),
    );
    await db.query('PRAGMA query_only = OFF');
    receiver.app.useLogger(false);
    Logger.overrideLogger(false);
    await logger.close();
    expect(res.status).toBe(503);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const text = readFileSync(join(dir, 'receiver.log'), 'utf8');
    expect(text).toContain(`ERROR [Tracking] [${requestId}] audit not stored`);
  });
});
