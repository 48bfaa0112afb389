import type { LogLevel } from '@nestjs/common';

/** Options of {@link ReceiverFileLogger}. */
export interface ReceiverFileLoggerOptions {
  /** Path of the log file; its folder is created. [`RECEIVER_LOG_FILE`] */
  path: string;
  /** Rotation size (`10M`, `500K`, …). Default `10M`. [`RECEIVER_LOG_FILE_SIZE`] */
  size?: string;
  /** Files kept including the current one. Default 5. [`RECEIVER_LOG_FILES`] */
  files?: number;
  /** Levels written. Default: log, warn, error, fatal. */
  logLevels?: LogLevel[];
  /** Also print to the console (as Nest's default logger does). Default `true`. */
  console?: boolean;
}
