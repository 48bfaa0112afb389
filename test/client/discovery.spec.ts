import { Controller, Injectable, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Telemetry, TelemetryInterval, TelemetryModule, TelemetryRegistry } from '../../lib';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';

@Injectable()
class UserService {
  @Telemetry()
  countUsers(): number {
    return 3;
  }

  @Telemetry(TelemetryInterval.OneHour)
  async activeUsers(): Promise<number> {
    return 2;
  }

  @Telemetry({ key: 'user_count', interval: 120, timeout: 500 })
  userCount(): number {
    return 3;
  }

  notACollector(): number {
    return 0;
  }
}

@Controller()
class StatusController {
  @Telemetry(60)
  uptime(): number {
    return 1;
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequestService {
  @Telemetry()
  perRequest(): number {
    return 1;
  }
}

async function startupError(providers: unknown[]): Promise<string> {
  const moduleRef = await Test.createTestingModule({
    imports: [TelemetryModule.forRoot({ store: 'memory', manualRegistration: true })],
    providers: providers as never[],
  }).compile();
  try {
    await moduleRef.init();
  } catch (error) {
    return (error as Error).message;
  } finally {
    await moduleRef.close().catch(() => undefined);
  }
  throw new Error('the application started');
}

describe('@Telemetry discovery', () => {
  it('finds sync and async collectors on providers and controllers with their keys and intervals', async () => {
    const app = await startTelemetryApp(
      [UserService],
      { manualRegistration: true, defaultInterval: 900 },
      [StatusController],
    );
    const found = app
      .get(TelemetryRegistry)
      .getCollectors()
      .map(({ key, className, methodName, interval, timeout }) => ({
        key,
        className,
        methodName,
        interval,
        timeout,
      }));
    expect(found).toEqual(
      expect.arrayContaining([
        {
          key: 'UserService@countUsers',
          className: 'UserService',
          methodName: 'countUsers',
          interval: 900,
          timeout: 10_000,
        },
        {
          key: 'UserService@activeUsers',
          className: 'UserService',
          methodName: 'activeUsers',
          interval: 3600,
          timeout: 10_000,
        },
        {
          key: 'user_count',
          className: 'UserService',
          methodName: 'userCount',
          interval: 120,
          timeout: 500,
        },
        {
          key: 'StatusController@uptime',
          className: 'StatusController',
          methodName: 'uptime',
          interval: 60,
          timeout: 10_000,
        },
      ]),
    );
    expect(found).toHaveLength(4);
    await app.close();
  });

  it('skips request-scoped holders with a warning naming the class', async () => {
    const logs = captureTelemetryLogs();
    const app = await startTelemetryApp([PerRequestService, UserService], {
      manualRegistration: true,
    });
    expect(app.get(TelemetryRegistry).getCollector('PerRequestService@perRequest')).toBeUndefined();
    expect(logs.warn.some((line) => line.includes('PerRequestService is request-scoped'))).toBe(
      true,
    );
    logs.restore();
    await app.close();
  });

  it('refuses to start on a duplicate key, naming both methods', async () => {
    @Injectable()
    class First {
      @Telemetry({ key: 'shared' })
      a(): number {
        return 1;
      }
    }
    @Injectable()
    class Second {
      @Telemetry({ key: 'shared' })
      b(): number {
        return 2;
      }
    }
    const message = await startupError([First, Second]);
    expect(message).toContain('Duplicate telemetry key "shared"');
    expect(message).toContain('First.a');
    expect(message).toContain('Second.b');
  });

  it.each([
    ['zero', 0],
    ['a fraction', 1.5],
    ['a negative number', -60],
  ])('refuses to start when the interval is %s, naming Class.method', async (_label, interval) => {
    @Injectable()
    class BadInterval {
      @Telemetry(interval)
      sample(): number {
        return 1;
      }
    }
    const message = await startupError([BadInterval]);
    expect(message).toContain('BadInterval.sample');
    expect(message).toContain('whole number of seconds >= 1');
  });

  // Contract §2.1: the Laravel attribute's words for a negative interval, which users search for.
  it('says "Telemetry interval cannot be negative" for a negative interval, as the Laravel attribute does', async () => {
    @Injectable()
    class NegativeInterval {
      @Telemetry({ interval: -1 })
      sample(): number {
        return 1;
      }
    }
    const message = await startupError([NegativeInterval]);
    expect(message).toContain('Telemetry interval cannot be negative');
    expect(message).toContain('NegativeInterval.sample');
  });

  it('refuses to start on a negative timeout, naming Class.method', async () => {
    @Injectable()
    class BadTimeout {
      @Telemetry({ timeout: -1 })
      sample(): number {
        return 1;
      }
    }
    const message = await startupError([BadTimeout]);
    expect(message).toContain('Invalid telemetry timeout on BadTimeout.sample');
  });

  it('refuses to start on an unknown value type or a bad unit, naming Class.method', async () => {
    @Injectable()
    class BadType {
      @Telemetry({ type: 'speed' as never })
      sample(): number {
        return 1;
      }
    }
    @Injectable()
    class BadUnit {
      @Telemetry({ unit: 'x'.repeat(33) })
      sample(): number {
        return 1;
      }
    }
    expect(await startupError([BadType])).toContain('Invalid telemetry type on BadType.sample');
    expect(await startupError([BadUnit])).toContain('Invalid telemetry unit on BadUnit.sample');
  });

  it('keeps declared types and units on the registered collectors', async () => {
    @Injectable()
    class Typed {
      @Telemetry({ key: 'requests', type: 'counter', unit: 'requests' })
      requests(): number {
        return 1;
      }
      @Telemetry({ key: 'plain' })
      plain(): number {
        return 2;
      }
    }
    const app = await startTelemetryApp([Typed], { manualRegistration: true });
    const collectors = app.get(TelemetryRegistry).getCollectors();
    expect(collectors.find((c) => c.key === 'requests')?.meta).toEqual({
      type: 'counter',
      unit: 'requests',
    });
    expect(collectors.find((c) => c.key === 'plain')?.meta).toBeUndefined();
    await app.close();
  });
});
