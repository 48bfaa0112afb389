import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { adminHeaders, type ReceiverAppHandle } from '../../support/receiver-app';

/** Admin calls in these suites use the test hook so the per-minute admin limits stay out of the way. */
export const admin = adminHeaders({ 'X-Test-Mode': 'phpunit' });

export interface TestProject {
  id: number;
  secret_key: string;
  public_key: string;
}

/** Creates a project through the admin API (telemetry settings included). */
export async function createProject(
  receiver: ReceiverAppHandle,
  settings: Record<string, unknown> = {},
): Promise<TestProject> {
  const res = await receiver.http.post(
    '/api/projects/create.php',
    { name: 'Telemetry', allowed_domains: ['example.com'], ...settings },
    admin,
  );
  if (res.status !== 200) throw new Error(`project creation failed: ${res.text}`);
  return res.body.data;
}

export const secretHeaders = (project: TestProject, extra: Record<string, string> = {}) => ({
  'X-API-Key': project.secret_key,
  'X-Test-Mode': 'phpunit',
  ...extra,
});

export const bearer = (token: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${token}`,
  'X-Test-Mode': 'phpunit',
  ...extra,
});

export const sign = (key: string, body: string | Buffer): string =>
  createHmac('sha256', key).update(body).digest('hex');

/** Encrypts a payload the way TelemetryModule does (README, "Encryption (AES-256-GCM)"). */
export function encrypt(keyHex: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return JSON.stringify({
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  });
}

export const report = (host: string, data: Record<string, unknown>, timestamp?: string) => ({
  host,
  timestamp: timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  data,
});

/** Number of hosts and of stored samples of a project, read through the hosts API. */
export async function storedCounts(receiver: ReceiverAppHandle, project: TestProject) {
  const hosts = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
  let samples = 0;
  for (const host of hosts.body.data.hosts as Array<{ host: string }>) {
    const detail = await receiver.http.get(
      `/api/telemetry/hosts/${encodeURIComponent(host.host)}`,
      secretHeaders(project),
    );
    for (const key of Object.keys(detail.body.data.values)) {
      const history = await receiver.http.get(
        `/api/telemetry/hosts/${encodeURIComponent(host.host)}/keys/${encodeURIComponent(key)}?from=2000-01-01`,
        secretHeaders(project),
      );
      samples += history.body.data.count;
    }
  }
  return { hosts: hosts.body.data.count as number, samples };
}
