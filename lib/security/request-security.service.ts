import { isIP } from 'node:net';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import {
  ENCRYPTION_HEADER,
  ENCRYPTION_SCHEME,
  parseEncryptionKey,
  sealPayload,
  signBody,
} from '../protocol';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { sanitizeCustomHeaders, type SanitizedCustomHeaders } from './custom-headers.sanitizer';
import { SecurityMessages } from './security.messages';

/** A request body ready for the wire and the headers that describe it. */
export interface PreparedBody {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Everything that makes a request to the receiver trustworthy, applied in the contract's order:
 * custom headers, then the bearer token, then the signature over the exact bytes sent (after
 * encryption: encrypt, then sign). The rules themselves — signing, sealing, key formats — are the
 * protocol kernel's, shared with the receiver. Built once per application, so configuration
 * problems are reported once at start and not on every tick.
 */
@Injectable()
export class RequestSecurityService implements OnModuleInit {
  private readonly logger = new Logger('TelemetrySecurity');
  private readonly encryptionKey?: Buffer;
  private readonly custom: SanitizedCustomHeaders;
  private insecureWarned = false;

  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {
    // An invalid key stops the application at start: sending in clear or with a wrong key would
    // both betray the user's intent.
    if (options.encryptionKey) {
      this.encryptionKey = parseEncryptionKey(options.encryptionKey);
      if (!this.encryptionKey) throw new Error(SecurityMessages.invalidEncryptionKey());
    }
    this.custom = sanitizeCustomHeaders(options.customHeaders, options.signing.header);
  }

  onModuleInit(): void {
    if (this.custom.refused.length > 0) {
      this.logger.warn(SecurityMessages.refusedCustomHeaders(this.custom.refused));
    }
    for (const name of this.custom.invalid)
      this.logger.warn(SecurityMessages.invalidCustomHeader(name));
    const { enabled, key, header } = this.options.signing;
    if (enabled && (!key || !header)) this.logger.warn(SecurityMessages.signingKeyMissing());
  }

  /** Serialised JSON → the bytes to send: sealed into the documented envelope when a key is set. */
  prepareBody(json: string): PreparedBody {
    const plain = Buffer.from(json, 'utf8');
    if (!this.encryptionKey) return { body: plain, headers: {} };
    return {
      body: sealPayload(this.encryptionKey, plain),
      headers: { [ENCRYPTION_HEADER]: ENCRYPTION_SCHEME },
    };
  }

  /**
   * Headers for one request to `url`: `base` (Accept, Content-Type, User-Agent…), the custom headers,
   * `Authorization` when a token is given, and the signature over `body` (every request is signed,
   * the body of a GET being empty). Called again for a retry so the timestamp is fresh.
   */
  headersFor(
    url: string,
    base: Record<string, string>,
    token: string | undefined,
    body: Buffer = Buffer.alloc(0),
  ): Record<string, string> {
    const headers: Record<string, string> = { ...base };
    for (const [name, value] of Object.entries(this.custom.headers)) {
      // A custom `accept` replaces the base `Accept` instead of sending both spellings.
      for (const existing of Object.keys(headers)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      }
      headers[name] = value;
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    const { enabled, key, header, mode } = this.options.signing;
    // Signing enabled without a key or header name is warned about at start and sends unsigned.
    const signing = enabled && Boolean(key) && Boolean(header);
    if (signing) Object.assign(headers, signBody(key!, body, mode, header));
    if (token || signing) this.warnIfInsecure(url);
    return headers;
  }

  /** Logs, once per application, that credentials are about to travel over plain HTTP to `url`. */
  warnIfInsecure(url: string): void {
    if (this.insecureWarned || this.options.allowInsecureTransport || !isInsecureRemoteUrl(url))
      return;
    this.insecureWarned = true;
    this.logger.warn(SecurityMessages.insecureTransport(url));
  }
}

/**
 * True when `url` is plain `http://` to a host that is not this machine: a token or a signature sent
 * there can be read on the way. Loopback (localhost, 127.0.0.0/8, ::1) is how tests and sidecars talk,
 * so it does not count.
 */
export function isInsecureRemoteUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return false;
  if (isIP(host) === 4 && host.startsWith('127.')) return false;
  return true;
}
