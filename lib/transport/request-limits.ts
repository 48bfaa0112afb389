import type { AxiosRequestConfig } from 'axios';
import { isAxiosError } from 'axios';
import { TelemetryMessages } from '../telemetry.messages';

/**
 * Largest answer the client reads from the receiver or the token URL (after decompression). Real
 * answers (report acknowledgements, flag sets, tokens) are a few kilobytes; a server that streams
 * without end must not grow the host app's memory until it dies.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The axios options that bound one request, and what to call its failure. */
export interface RequestLimits {
  config: Pick<AxiosRequestConfig, 'timeout' | 'signal' | 'maxContentLength'>;
  /** Names a failure these limits caused; `undefined` for any other failure. */
  failure(error: unknown): string | undefined;
}

/**
 * Bounds one request as `requestTimeout` promises: the whole exchange — connect, upload, answer —
 * within `ms`, and at most {@link MAX_ANSWER_BYTES} of answer. axios's own `timeout` is a socket
 * idle timeout: a server that trickles a byte now and then would hold the request forever.
 */
export function requestLimits(ms: number): RequestLimits {
  const signal = AbortSignal.timeout(ms);
  return {
    config: { timeout: ms, signal, maxContentLength: MAX_ANSWER_BYTES },
    failure: (error) => {
      if (signal.aborted) return TelemetryMessages.requestTimedOut(ms);
      if (isAxiosError(error) && /maxContentLength/.test(error.message)) {
        return TelemetryMessages.answerTooLarge(MAX_ANSWER_BYTES);
      }
      return undefined;
    },
  };
}
