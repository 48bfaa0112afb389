import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { RotatingFileStream } from 'rotating-file-stream';
import { loadPackage } from '../../lib/packages/peer-packages';
import { EnvReader, type EnvSource } from '../../lib/protocol';

/** Size at which the log file is rotated (the original engine's 10 MB). */
export const DEFAULT_LOG_FILE_SIZE = '10M';

/** Files kept: the current one and four rotated generations (`.1` … `.4`), as in the original. */
export const DEFAULT_LOG_FILES = 5;

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

// rotating-file-stream's sizes: a whole number and a unit (bytes, kilo-, mega-, gigabytes).
const LOG_FILE_SIZE = /^\d+[BKMG]$/;

/**
 * Nest's console logger plus a size-rotated log file (`receiver.log`, `receiver.log.1` … — five
 * files by default, like the original engine). File lines are plain text:
 * `2026-11-22T20:55:00.123Z ERROR [Tracking] [<request id>] pageview not stored: …` — the receiver
 * writes the request id (also sent as `X-Request-Id`) into every line about a request.
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, new FastifyAdapter(), {
 *   logger: new ReceiverFileLogger({ path: './logs/receiver.log' }),
 * });
 * ```
 */
export class ReceiverFileLogger extends ConsoleLogger {
  private readonly stream: RotatingFileStream;
  private readonly toConsole: boolean;

  constructor(options: ReceiverFileLoggerOptions) {
    super({ logLevels: options.logLevels ?? ['log', 'warn', 'error', 'fatal'] });
    this.toConsole = options.console ?? true;
    mkdirSync(dirname(options.path), { recursive: true });
    // rotating-file-stream is an optional peer: only the file logger needs it.
    const { createStream } = loadPackage<typeof import('rotating-file-stream')>(
      'rotating-file-stream',
      'ReceiverFileLogger',
    );
    this.stream = createStream(basename(options.path), {
      path: dirname(options.path),
      size: (options.size ?? DEFAULT_LOG_FILE_SIZE) as `${number}M`,
      rotate: Math.max(1, (options.files ?? DEFAULT_LOG_FILES) - 1),
    });
  }

  /**
   * Options from `RECEIVER_LOG_FILE`, `RECEIVER_LOG_FILE_SIZE`, `RECEIVER_LOG_FILES`; none →
   * `undefined`. A malformed size or count refuses the start, naming the variable.
   */
  static fromEnv(env: EnvSource = process.env): ReceiverFileLogger | undefined {
    const e = new EnvReader(env, 'receiver');
    const path = e.string('RECEIVER_LOG_FILE');
    if (!path) return undefined;
    const size = e.string('RECEIVER_LOG_FILE_SIZE');
    if (size !== undefined && !LOG_FILE_SIZE.test(size)) {
      e.fail('size', 'RECEIVER_LOG_FILE_SIZE', size, 'a size such as 10M, 500K or 1G');
    }
    return new ReceiverFileLogger({
      path,
      size,
      files: e.integer('files', 'RECEIVER_LOG_FILES', { min: 1 }),
    });
  }

  /** Flushes and closes the file (call after `app.close()`). */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    if (this.toConsole) {
      super.printMessages(messages, context, logLevel, writeStreamType, errorStack);
    }
    const prefix = `${new Date().toISOString()} ${logLevel.toUpperCase()}${context ? ` [${context}]` : ''}`;
    for (const message of messages) {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      if (!this.stream.destroyed) this.stream.write(`${prefix} ${text}\n`);
    }
    if (typeof errorStack === 'string' && !this.stream.destroyed) {
      this.stream.write(`${errorStack}\n`);
    }
  }

  protected override printStackTrace(stack: string): void {
    if (this.toConsole) super.printStackTrace(stack);
    if (stack && !this.stream.destroyed) this.stream.write(`${stack}\n`);
  }
}
