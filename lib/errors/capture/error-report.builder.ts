import { relative, sep } from 'node:path';
import { MICROLOGS_LIMITS } from '../errors.constants';
import type {
  ErrorEnvironment,
  ErrorSeverity,
} from '../interfaces/error-capture-options.interface';
import type { RequestDetails } from './request-details';

/** The body of `POST /api/track/error.php`, as the Micrologs Node SDK sends it (contract 5). */
export interface MicrologsErrorBody {
  message: string;
  error_type: string;
  severity: ErrorSeverity;
  file: string;
  line: number | null;
  stack: string | null;
  url: string;
  environment: ErrorEnvironment;
  context: Record<string, unknown> | null;
  /**
   * Repeats a coalesced report stands for (our receiver's extension of the body; a Micrologs
   * server ignores it). Absent on single reports.
   */
  occurrences?: number;
}

/** Where an error was caught, beside the request. */
export interface CaptureSource {
  /** `http`, `rpc`, `ws`, `process` or `manual`. */
  kind: string;
  /** `OrdersController.find` for handler errors. */
  handler?: string;
  /** The message pattern of a microservice or WebSocket handler. */
  pattern?: string;
  status?: number;
  actor?: string;
  request?: RequestDetails;
  /** The app's own extra context (manual reports). */
  extra?: Record<string, unknown>;
}

/** File and line of the first stack frame that is not Node's own, if the stack names one. */
export function topFrame(stack: string | undefined): { file: string; line: number } | undefined {
  if (!stack) return undefined;
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const match = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/.exec(line);
    if (!match) continue;
    const file = match[1].replace(/^file:\/\//, '');
    if (file.startsWith('node:') || file.startsWith('internal/')) continue;
    return { file: shortPath(file), line: Number(match[2]) };
  }
  return undefined;
}

/** Relative to the working directory, so every deployment of one release groups the same errors. */
function shortPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + sep) ? relative(cwd, file) : file;
}

const errorParts = (error: unknown): { type: string; message: string; stack?: string } => {
  if (error instanceof Error) {
    const type = error.name && error.name !== 'Error' ? error.name : error.constructor?.name;
    return { type: type || 'Error', message: error.message, stack: error.stack };
  }
  return { type: 'NonErrorThrown', message: safeString(error) };
};

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/** At most `max` UTF-8 bytes, cut on a character boundary (contract: limits are byte counts). */
export function truncateBytes(value: string, max: number): string {
  if (Buffer.byteLength(value) <= max) return value;
  let cut = value.slice(0, max);
  while (Buffer.byteLength(cut) > max) cut = cut.slice(0, -1);
  return cut;
}

/**
 * The context without keys the app left undefined, and without the app's extras when the whole
 * would exceed the receiver's 8 KB (it would drop the context silently).
 */
function boundedContext(context: Record<string, unknown>, extra?: Record<string, unknown>) {
  const full = { ...context, ...extra };
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  if (size(full) <= MICROLOGS_LIMITS.contextBytes) return full;
  return { ...context, context_truncated: true };
}

/** Builds the Micrologs error body of one captured error. */
export function buildErrorBody(
  error: unknown,
  source: CaptureSource,
  severity: ErrorSeverity,
  environment: ErrorEnvironment,
): MicrologsErrorBody {
  const { type, message, stack } = errorParts(error);
  const frame = topFrame(stack);
  const request = source.request ?? {};
  const context: Record<string, unknown> = { source: source.kind };
  if (request.method) context.method = request.method;
  if (request.route) context.route = request.route;
  if (source.handler) context.handler = source.handler;
  if (source.pattern) context.pattern = truncateBytes(source.pattern, MICROLOGS_LIMITS.pattern);
  if (source.status !== undefined) context.status = source.status;
  if (request.requestId) context.request_id = request.requestId;
  if (source.actor) context.actor = source.actor;
  return {
    // An empty message would be refused (400 "message is required"): the type stands in for it.
    message: truncateBytes(message.trim() || type, MICROLOGS_LIMITS.message),
    error_type: truncateBytes(type, MICROLOGS_LIMITS.errorType),
    severity,
    file: truncateBytes(frame?.file ?? '', MICROLOGS_LIMITS.file),
    line: frame?.line ?? null,
    stack: stack ? truncateBytes(stack, MICROLOGS_LIMITS.stackBytes) : null,
    url: truncateBytes(request.url ?? '', MICROLOGS_LIMITS.url),
    environment,
    context: boundedContext(context, source.extra),
  };
}
