import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TelemetryModule, TelemetryModuleOptions, TelemetryStore } from '../../lib';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';

/** Boots TelemetryModule alone (no collectors, no timers) with a store the test can inspect. */
export async function bootTelemetry(
  options: TelemetryModuleOptions,
  store: TelemetryStore = new MemoryTelemetryStore(10_000),
): Promise<{ moduleRef: TestingModule; store: TelemetryStore }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TelemetryModule.forRoot({
        host: 'shop-1',
        flagsPollInterval: 0,
        reportInterval: 3600,
        manualRegistration: true,
        store,
        ...options,
      }),
    ],
  }).compile();
  await moduleRef.init();
  return { moduleRef, store };
}

/** Collects what the package logs as warnings, so tests can assert "one warning". */
export function captureWarnings(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    messages.push(String(message));
  });
  return { messages, restore: () => spy.mockRestore() };
}

export const samplePayload = {
  host: 'shop-1',
  timestamp: '2026-11-22T10:15:30Z',
  data: {
    'UserService@countUsers': 42,
    path: '/var/lib/app/uploads',
    city: 'Zürich — São Paulo — Kraków',
    mood: '🚀 ok 🎉',
  },
};
