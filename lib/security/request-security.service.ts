import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { sanitizeCustomHeaders, type SanitizedCustomHeaders } from './custom-headers.sanitizer';
import { isInsecureRemoteUrl } from './insecure-transport';
import { PayloadEncryptor } from './payload.encryptor';
import { RequestSigner } from './request.signer';
import { SecurityMessages } from './security.messages';

/** A request body ready for the wire and the headers that describe it. */
export interface PreparedBody {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Everything that makes a request to the receiver trustworthy, applied in the contract's order:
 * custom headers, then the bearer token, then the signature over the exact bytes sent. Built once
 * per application, so configuration problems are reported once at start and not on every tick.
 */
@Injectable()
export class RequestSecurityService implements OnModuleInit {
  private readonly logger = new Logger('TelemetrySecurity');
  private readonly signer: RequestSigner;
  private readonly encryptor?: PayloadEncryptor;
  private readonly custom: SanitizedCustomHeaders;
  private insecureWarned = false;

  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {
    this.signer = new RequestSigner(options.signing);
    // An invalid key throws here, which stops the application at start: sending in clear or with a
    // wrong key would both betray the user's intent.
    this.encryptor = options.encryptionKey
      ? new PayloadEncryptor(options.encryptionKey)
      : undefined;
    this.custom = sanitizeCustomHeaders(options.customHeaders, this.signer.headerName);
  }

  onModuleInit(): void {
    if (this.custom.refused.length > 0) {
      this.logger.warn(SecurityMessages.refusedCustomHeaders(this.custom.refused));
    }
    for (const name of this.custom.invalid)
      this.logger.warn(SecurityMessages.invalidCustomHeader(name));
    if (this.signer.misconfigured) this.logger.warn(SecurityMessages.signingKeyMissing());
  }

  /** Serialised JSON → the bytes to send: encrypted into the documented envelope when a key is set. */
  prepareBody(json: string): PreparedBody {
    const plain = Buffer.from(json, 'utf8');
    return this.encryptor ? this.encryptor.encrypt(plain) : { body: plain, headers: {} };
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
    Object.assign(headers, this.signer.sign(body));
    if (token || this.signer.active) this.warnIfInsecure(url);
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
