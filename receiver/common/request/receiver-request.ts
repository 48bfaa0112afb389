import type { IncomingMessage } from 'node:http';
import { withoutNul } from '../input/json-input';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';

/** The raw body as read by the front door (any content type, capped). */
export interface ReceiverBody {
  /** Bytes read, at most the cap + 1; empty when there was no body. */
  raw: Buffer;
  /** True when the body was larger than the cap (the excess was drained, not kept). */
  tooLarge: boolean;
}

/** The options that decide how a request's client is read (see `@Client()`). */
export type ClientSettings = Pick<ResolvedReceiverOptions, 'trustedProxies' | 'production'>;

/** Per-request state the pipeline attaches to Node's `IncomingMessage`. */
export interface ReceiverRequestState {
  requestId: string;
  /** How `@Client()` reads the client of this request (the front door sets it). */
  clientSettings?: ClientSettings;
  body?: ReceiverBody;
  project?: ProjectEntity;
  keyType?: 'secret' | 'public';
  /** The host a telemetry bearer token was issued to (token-authenticated telemetry calls). */
  tokenHost?: TelemetryHostEntity;
  /** The query string parsed by {@link queryParam}, with the URL it was parsed from. */
  query?: { url: string; params: URLSearchParams };
}

const STATE = Symbol('receiverRequestState');

type WithState = IncomingMessage & { [STATE]?: ReceiverRequestState };

/** Express passes Node's request itself; Fastify wraps it in `request.raw`. */
export function nodeRequest(request: unknown): IncomingMessage {
  const candidate = request as { raw?: IncomingMessage } & IncomingMessage;
  return candidate.raw && typeof candidate.raw === 'object' && 'headers' in candidate.raw
    ? candidate.raw
    : candidate;
}

/** The pipeline state of a request (created on first access). */
export function receiverState(request: unknown): ReceiverRequestState {
  const raw = nodeRequest(request) as WithState;
  raw[STATE] ??= { requestId: '' };
  return raw[STATE];
}

/** A header as one string (`''` when absent; the first value when repeated). */
export function header(request: unknown, name: string): string {
  const value = nodeRequest(request).headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * One query parameter as a single string, read from the raw query string whatever the framework's
 * query parser made of it, without NUL characters (the receiver's one NUL policy: `?c=a%00b`
 * failed PostgreSQL's query, a 500). A repeated parameter (`?range=7d&range=30d`) is its last
 * value, as PHP's `$_GET` reads it; `a[]=x` and `a[b]=y` are other names, so `a` is absent.
 */
export function queryParam(request: unknown, name: string): string | undefined {
  const values = queryOf(request).getAll(name);
  return values.length === 0 ? undefined : withoutNul(values[values.length - 1]);
}

/** The query string of a request, parsed once however many parameters its route reads. */
function queryOf(request: unknown): URLSearchParams {
  const url = nodeRequest(request).url ?? '';
  const state = receiverState(request);
  if (state.query?.url !== url) {
    const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
    state.query = { url, params: new URLSearchParams(query) };
  }
  return state.query.params;
}

/** The request path without the query string. */
export function requestPath(request: unknown): string {
  const url = nodeRequest(request).url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
