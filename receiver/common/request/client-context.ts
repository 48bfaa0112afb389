import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { clientIp } from './client-ip';
import { type ClientSettings, header, receiverState } from './receiver-request';

/**
 * What the services need to know about the client behind a request, as plain data: services
 * take this instead of the framework's request, so a CLI command or a test can call them with
 * values of its own.
 */
export interface ClientContext {
  /** The request id the front door assigned (log lines name it). */
  readonly requestId: string;
  /** The client address: the TCP peer, or the forwarded address behind a trusted proxy. */
  readonly ip: string;
  readonly userAgent: string;
  readonly accept: string;
  readonly acceptLanguage: string;
  /** `Referer` (the header's spelling), `''` when absent. */
  readonly referer: string;
  readonly origin: string;
  /** The Micrologs test hook is on for this request (see {@link isTestModeRequest}). */
  readonly testMode: boolean;
  /** The browser asked not to be tracked: `Sec-GPC: 1` or `DNT: 1`. */
  readonly optOut: boolean;
}

/**
 * The Micrologs test hook: `X-Test-Mode: phpunit` skips rate limits (and the bot filter), and
 * only when the receiver does not run in production, so it can never be used against a live
 * install.
 */
export function isTestModeRequest(request: unknown, options: { production: boolean }): boolean {
  return !options.production && header(request, 'x-test-mode') === 'phpunit';
}

/**
 * What a request whose front door never ran gets: no proxy trusted, no test hook. Every receiver
 * route passes the front door, so this is a safe floor rather than a path in use.
 */
const UNTRUSTING: ClientSettings = { trustedProxies: [], production: true };

/** The {@link ClientContext} of a request. */
export function clientContextOf(request: unknown, options: ClientSettings): ClientContext {
  return {
    requestId: receiverState(request).requestId,
    ip: clientIp(request, options.trustedProxies),
    userAgent: header(request, 'user-agent'),
    accept: header(request, 'accept'),
    acceptLanguage: header(request, 'accept-language'),
    referer: header(request, 'referer'),
    origin: header(request, 'origin'),
    testMode: isTestModeRequest(request, options),
    optOut: header(request, 'sec-gpc').trim() === '1' || header(request, 'dnt').trim() === '1',
  };
}

/**
 * The {@link ClientContext} of the current request, for a controller to hand to its services.
 * Built from the settings the front door left on the request, without a pipe: a parameter with a
 * pipe makes Nest settle every parameter of the route through promises.
 */
export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ClientContext => {
    const request = context.switchToHttp().getRequest<unknown>();
    return clientContextOf(request, receiverState(request).clientSettings ?? UNTRUSTING);
  },
);
