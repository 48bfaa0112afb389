import { randomBytes } from 'node:crypto';
import {
  AuthenticationError,
  InvalidInputError,
  RefusedError,
} from '../../../receiver/common/errors/receiver.errors';
import type { ProjectEntity } from '../../../receiver/storage/entities/project.entity';
import { TelemetryAuthenticator } from '../../../receiver/telemetry/auth/telemetry.authenticator';
import type { TelemetryTokensService } from '../../../receiver/telemetry/auth/telemetry-tokens.service';
import type { ProjectKeysService } from '../../../receiver/projects/project-keys.service';
import { decryptReport } from '../../../receiver/telemetry/security/payload-decryptor';
import type { ReplayGuardService } from '../../../receiver/telemetry/security/replay-guard.service';
import { SignatureVerifier } from '../../../receiver/telemetry/security/signature.verifier';
import { encrypt, sign } from './telemetry-fixtures';

/**
 * The telemetry security pieces take plain values (body bytes, header values) and throw domain
 * errors, so anything — a CLI, a worker, this test — can call them without an HTTP request; the
 * HTTP answers (401/403/400 in the envelope) are covered by telemetry-security.spec.ts.
 */
const project = (fields: Partial<ProjectEntity>) =>
  ({ id: 7, signing_secret: null, encryption_key: null, ...fields }) as ProjectEntity;

class MemoryReplays {
  private readonly seen = new Set<string>();
  async remember(projectId: number, signature: string): Promise<boolean> {
    const key = `${projectId}:${signature}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

describe('SignatureVerifier on plain data', () => {
  const secret = 'signing-secret';
  const signed = project({ signing_secret: secret });
  const verifier = () =>
    new SignatureVerifier(new MemoryReplays() as unknown as ReplayGuardService);
  const body = Buffer.from('{"host":"a","data":{"404":3}}');
  const now = () => String(Math.floor(Date.now() / 1000));

  it('accepts anything for a project without a signing secret', async () => {
    await expect(
      verifier().verify(project({}), { body, signature: '', timestamp: '' }),
    ).resolves.toBeUndefined();
  });

  it('accepts a body signature and a timestamped one', async () => {
    const v = verifier();
    await expect(
      v.verify(signed, { body, signature: sign(secret, body) }),
    ).resolves.toBeUndefined();
    const ts = now();
    const timestamped = sign(secret, Buffer.concat([Buffer.from(`${ts}.`), body]));
    await expect(
      v.verify(signed, { body, signature: timestamped, timestamp: ts }),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['missing', { signature: '' }, 'Missing X-Telemetry-Signature'],
    ['wrong', { signature: 'ab'.repeat(32) }, 'Invalid X-Telemetry-Signature'],
    ['stale', { signature: 'ab'.repeat(32), timestamp: '1000' }, 'X-Telemetry-Timestamp must be'],
  ])('refuses a %s signature with a RefusedError (403)', async (_case, headers, message) => {
    const error = await verifier()
      .verify(signed, { body, ...headers })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).message).toContain(message);
  });

  it('refuses a timestamped signature seen before, unless asked to allow repeats', async () => {
    const v = verifier();
    const ts = now();
    const request = {
      body,
      signature: sign(secret, Buffer.concat([Buffer.from(`${ts}.`), body])),
      timestamp: ts,
    };
    await v.verify(signed, request);
    await expect(v.verify(signed, request)).rejects.toThrow(RefusedError);
    await expect(v.verify(signed, request, false)).resolves.toBeUndefined();
  });
});

describe('decryptReport on plain data', () => {
  const key = randomBytes(32).toString('hex');
  const encrypted = project({ encryption_key: key });
  const envelope = Buffer.from(encrypt(key, '{"host":"a"}'));

  it('opens an aes-256-gcm envelope and passes an unencrypted body through', () => {
    expect(decryptReport(encrypted, envelope, ' AES-256-GCM ').toString()).toBe('{"host":"a"}');
    expect(decryptReport(encrypted, Buffer.from('plain'), '').toString()).toBe('plain');
  });

  it.each([
    ['an unknown scheme', encrypted, envelope, 'rot13', 'Unsupported X-Telemetry-Encryption'],
    ['a project without key', project({}), envelope, 'aes-256-gcm', 'has no encryption_key'],
    ['a corrupted envelope', encrypted, Buffer.from('{}'), 'aes-256-gcm', 'Could not decrypt'],
  ])('refuses %s with an InvalidInputError (400)', (_case, p, raw, scheme, message) => {
    expect(() => decryptReport(p, raw, scheme)).toThrow(InvalidInputError);
    expect(() => decryptReport(p, raw, scheme)).toThrow(message);
  });
});

describe('TelemetryAuthenticator on plain data', () => {
  const owner = project({ id: 3 });
  const host = { id: 9, host: 'web-1' };
  const tokens = {
    resolve: async (token: string) => (token === 'good-token' ? { project: owner, host } : null),
  } as unknown as TelemetryTokensService;
  const keys = {
    findBySecretKey: async (key: string) => (key === 'secret-key' ? owner : null),
  } as unknown as ProjectKeysService;
  const auth = new TelemetryAuthenticator(tokens, keys);

  it('resolves a bearer token to its project and host, and a secret key to its project', async () => {
    await expect(
      auth.authenticate({ authorization: 'Bearer good-token', apiKey: 'secret-key' }),
    ).resolves.toEqual({ project: owner, tokenHost: host });
    await expect(auth.authenticate({ authorization: '', apiKey: ' secret-key ' })).resolves.toEqual(
      { project: owner },
    );
  });

  it.each([
    [
      'a revoked token',
      { authorization: 'Bearer old', apiKey: 'secret-key' },
      'Invalid or revoked',
    ],
    ['no credentials', { authorization: '', apiKey: '' }, 'Telemetry credentials required'],
    ['an unknown key', { authorization: 'Basic x', apiKey: 'nope' }, 'Invalid API key'],
  ])('refuses %s with an AuthenticationError (401)', async (_case, credentials, message) => {
    const error = await auth.authenticate(credentials).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain(message);
  });
});
