import { statfs } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Telemetry, TelemetryInterval, TelemetryResponseHandler } from '../../lib';
import { UsersService } from './users.service';

/** What this sample reports about itself, and what it does with the receiver's answer. */
@Injectable()
export class AppTelemetryService {
  private readonly logger = new Logger('SampleTelemetry');

  constructor(private readonly users: UsersService) {}

  /** A count, on the module's default interval (TELEMETRY_DEFAULT_INTERVAL). */
  @Telemetry({ key: 'registered_users' })
  registeredUsers(): number {
    return this.users.count();
  }

  /** A memory figure. */
  @Telemetry({ key: 'memory_rss_bytes' })
  memoryRss(): number {
    return process.memoryUsage().rss;
  }

  /** An async value: free space on the disk the app runs from. */
  @Telemetry({ key: 'disk', interval: TelemetryInterval.OneHour })
  async disk(): Promise<{ freeBytes: number; totalBytes: number }> {
    const stats = await statfs(process.cwd());
    return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  }

  /** The receiver may answer `{"notices": [...]}`; show them in the log. */
  @TelemetryResponseHandler('notices')
  showNotices(notices: unknown): void {
    if (Array.isArray(notices))
      for (const notice of notices) this.logger.log(`Notice: ${String(notice)}`);
  }
}
