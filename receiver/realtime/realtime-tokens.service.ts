import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { secretsEqual } from '../common/auth/constant-time';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';

/** What a realtime token grants: one project's feeds until `expiresAt` (epoch ms). */
export interface RealtimeGrant {
  projectId: number;
  expiresAt: number;
}

const PREFIX = 'rt1.';

/**
 * Short-lived realtime tokens for browsers (which cannot send a secret key, and must not hold
 * one): `rt1.<payload>.<HMAC-SHA256>`, stateless, so every receiver instance verifies what any of
 * them minted. The signing key is derived from the admin key (shared by all instances already);
 * changing the admin key revokes every token.
 */
@Injectable()
export class RealtimeTokensService {
  private readonly key: Buffer;

  constructor(@Inject(RECEIVER_OPTIONS) options: ResolvedReceiverOptions) {
    this.key = createHmac('sha256', options.adminKey).update('nestjs-telemetry realtime').digest();
  }

  mint(
    projectId: number,
    ttlSeconds: number,
    now = Date.now(),
  ): { token: string; expiresAt: number } {
    const expiresAt = now + ttlSeconds * 1000;
    const payload = Buffer.from(JSON.stringify({ p: projectId, e: expiresAt })).toString(
      'base64url',
    );
    return { token: `${PREFIX}${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The grant of a valid, unexpired token; `null` for anything else. */
  verify(token: string, now = Date.now()): RealtimeGrant | null {
    if (!token.startsWith(PREFIX)) return null;
    const [payload, signature, extra] = token.slice(PREFIX.length).split('.');
    if (!payload || !signature || extra !== undefined) return null;
    if (!secretsEqual(signature, this.sign(payload))) return null;
    try {
      const { p, e } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
        p: unknown;
        e: unknown;
      };
      if (!Number.isSafeInteger(p) || typeof e !== 'number' || e <= now) return null;
      return { projectId: p as number, expiresAt: e };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
