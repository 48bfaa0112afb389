import { Test, TestingModule } from '@nestjs/testing';
import { TelemetryModule, TelemetryModuleOptions } from '../../lib';
import { RecordedRequest, RecordingServer } from '../support/recording-server';

/** Boots TelemetryModule with the given options (timers off unless the test turns them on). */
export async function bootClient(options: TelemetryModuleOptions): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TelemetryModule.forRoot({
        host: 'shop-1',
        store: 'memory',
        reportInterval: 3600,
        flagsPollInterval: 0,
        manualRegistration: true,
        ...options,
      }),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

/**
 * A flags endpoint like ReceiverModule's: answers `{feature_flags}` with an ETag derived from the
 * current flags, and 304 when `If-None-Match` matches it.
 */
export function serveFlags(server: RecordingServer, current: () => Record<string, unknown>): void {
  server.respond((request: RecordedRequest) => {
    if (request.path !== '/api/telemetry/flags') return { status: 202, body: {} };
    const etag = `"${Buffer.from(JSON.stringify(current())).toString('base64url')}"`;
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
    return { headers: { etag }, body: { feature_flags: current() } };
  });
}
