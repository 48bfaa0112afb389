import { createHmac, timingSafeEqual } from 'node:crypto';
import { ALERT_SIGNATURE_TOLERANCE_SECONDS } from '../alerts.constants';

const unixNow = (): number => Math.floor(Date.now() / 1000);

const mac = (secret: string, timestamp: string, body: string | Buffer): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/**
 * The `X-Alert-Signature` value of an alert webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256>`,
 * the HMAC keyed with the rule's `secret` over `<t>.<raw body>` (Stripe's scheme). The time is
 * signed with the body, so a captured request cannot be replayed after the tolerance.
 */
export function signAlertPayload(
  secret: string,
  body: string | Buffer,
  nowSeconds: number = unixNow(),
): string {
  const timestamp = String(nowSeconds);
  return `t=${timestamp},v1=${mac(secret, timestamp, body).toString('hex')}`;
}

/**
 * Checks an alert webhook's `X-Alert-Signature` header against the raw request body, in constant
 * time: `true` when one `v1` matches and `t` is within `toleranceSeconds` (default 300) of now.
 * Use the body bytes exactly as received (before any JSON parsing). To refuse replays inside the
 * tolerance too, remember the `X-Alert-Delivery` ids you processed.
 *
 * @example
 * ```ts
 * import { verifyAlertSignature } from 'nestjs-telemetry/receiver';
 * if (!verifyAlertSignature(process.env.ALERT_SECRET!, rawBody, req.headers['x-alert-signature'])) {
 *   throw new UnauthorizedException();
 * }
 * ```
 */
export function verifyAlertSignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  toleranceSeconds: number = ALERT_SIGNATURE_TOLERANCE_SECONDS,
  nowSeconds: number = unixNow(),
): boolean {
  const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([name]) => name === 't')?.[1] ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = mac(secret, timestamp, body);
  return parts
    .filter(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? ''))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
