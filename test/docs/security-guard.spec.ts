import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import * as ts from 'typescript';
import { signBody, verifySignature } from '../../lib/protocol';
import { parseCodeBlocks } from './markdown-blocks';

/**
 * docs/security.md shows a guard for a receiver written without ReceiverModule. It is compiled
 * from the document as it stands and run against signatures made by the package's own kernel
 * (what TelemetryModule sends), so the example cannot drift from the protocol.
 */
const DOC = 'docs/security.md';

function loadGuardClass(): new () => CanActivate {
  const text = readFileSync(join(__dirname, '../..', DOC), 'utf8');
  const block = parseCodeBlocks(DOC, text).find(
    (b) => b.lang === 'ts' && b.body.includes('class TelemetrySignatureGuard'),
  );
  if (!block) throw new Error(`${DOC} no longer shows TelemetrySignatureGuard`);
  const { outputText } = ts.transpileModule(block.body, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
    },
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', outputText)(require, module, module.exports);
  return module.exports.TelemetrySignatureGuard as new () => CanActivate;
}

const KEY = 'current-signing-key';
const OLD_KEY = 'previous-signing-key';

describe('docs/security.md: the signature guard for a receiver of your own', () => {
  let Guard: new () => CanActivate;
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.TELEMETRY_SIGNING_KEY = KEY;
    process.env.TELEMETRY_SIGNING_KEY_OLD = OLD_KEY;
    Guard = loadGuardClass();
  });
  afterAll(() => {
    process.env = saved;
  });

  const request = (headers: Record<string, string>, body: string | undefined, method = 'POST') => ({
    method,
    rawBody: body === undefined ? undefined : Buffer.from(body),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  });
  const contextOf = (req: unknown) =>
    ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;
  /** `true`, or the HTTP status the guard refused with. */
  const check = (guard: CanActivate, req: unknown): true | number => {
    try {
      return guard.canActivate(contextOf(req)) as true;
    } catch (error) {
      return (error as { getStatus(): number }).getStatus();
    }
  };
  const body = '{"host":"web-1","timestamp":"2026-11-30T10:00:00Z","data":{"404":3,"p":"/a"}}';
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts what the client signs in both modes, with the current or the previous key', () => {
    const guard = new Guard();
    expect(check(guard, request(signBody(KEY, Buffer.from(body), 'compatible'), body))).toBe(true);
    expect(check(guard, request(signBody(OLD_KEY, Buffer.from(body), 'compatible'), body))).toBe(
      true,
    );
    expect(check(guard, request(signBody(KEY, Buffer.from(body), 'timestamped'), body))).toBe(true);
  });

  it('refuses with 403 a tampered body, an unknown key, no signature and a stale timestamp', () => {
    const guard = new Guard();
    const signed = signBody(KEY, Buffer.from(body), 'compatible');
    expect(check(guard, request(signed, body.replace('3', '4')))).toBe(403);
    expect(check(guard, request(signBody('other', Buffer.from(body), 'compatible'), body))).toBe(
      403,
    );
    expect(check(guard, request({}, body))).toBe(403);
    const stale = signBody(KEY, Buffer.from(body), 'timestamped', undefined, now() - 301);
    expect(check(guard, request(stale, body))).toBe(403);
  });

  it('refuses a replayed timestamped report, and lets a signed flags read repeat', () => {
    const guard = new Guard();
    const report = signBody(KEY, Buffer.from(body), 'timestamped');
    expect(check(guard, request(report, body))).toBe(true);
    expect(check(guard, request(report, body))).toBe(403);
    const read = signBody(KEY, Buffer.alloc(0), 'timestamped');
    expect(check(guard, request(read, undefined, 'GET'))).toBe(true);
    expect(check(guard, request(read, undefined, 'GET'))).toBe(true);
  });

  it('agrees with the kernel ReceiverModule uses on what TelemetryModule sends', () => {
    const guard = new Guard();
    const bodies = [body, '{}', '{"a":"é/€ 😀","b":2.0e-5}', ''];
    for (const text of bodies) {
      for (const key of [KEY, 'stranger']) {
        const headers = signBody(key, Buffer.from(text), 'compatible');
        const kernel = verifySignature(KEY, {
          body: Buffer.from(text),
          signature: headers['X-Telemetry-Signature'],
        });
        expect({ text, key, accepted: check(guard, request(headers, text)) === true }).toEqual({
          text,
          key,
          accepted: kernel === 'valid',
        });
      }
    }
  });
});
