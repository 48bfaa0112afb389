import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describeReceiver, useReceiverApp } from '../../support/receiver-app';
import { createProject, report, secretHeaders, sign, type TestProject } from './telemetry-fixtures';

const SIGNING = 'batch-signing-secret-0123456789';

const at = (secondsAgo: number) =>
  new Date((Math.floor(Date.now() / 1000) - secondsAgo) * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

const batch = (rounds: unknown[], nonce = Math.random().toString(16).slice(2)) =>
  JSON.stringify({ nonce, rounds });

const timestamped = (body: Buffer, seconds = Math.floor(Date.now() / 1000)) => ({
  'X-Telemetry-Timestamp': String(seconds),
  'X-Telemetry-Signature': createHmac('sha256', SIGNING)
    .update(`${seconds}.`)
    .update(body)
    .digest('hex'),
});

describeReceiver('telemetry batches (catch-up)', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let open: TestProject;
  let signed: TestProject;

  beforeAll(async () => {
    open = await createProject(receiver);
    signed = await createProject(receiver, { signing_secret: SIGNING });
  });

  const send = (project: TestProject, raw: string | Buffer, headers: Record<string, string> = {}) =>
    receiver.http.request('POST', '/api/telemetry', {
      raw,
      headers: secretHeaders(project, { 'Content-Type': 'application/json', ...headers }),
    });

  const samples = async (project: TestProject, host: string, key: string) => {
    const res = await receiver.http.get(
      `/api/telemetry/hosts/${host}/keys/${key}?from=2000-01-01`,
      secretHeaders(project),
    );
    return res.body.data.count as number;
  };

  it('announces batches on every report answer', async () => {
    const res = await send(open, JSON.stringify(report('batch-1', { cpu: 1 })));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-telemetry-accept-batch')).toBe('500');
  });

  it('stores each valid round, lists it, and names the refused ones with their reason', async () => {
    const rounds = [
      report('batch-2', { cpu: 1 }, at(30)),
      { host: 'batch-2', timestamp: at(29), data: {} },
      report('batch-2', { cpu: 3 }, at(28)),
      { ...report('batch-2', { cpu: 4 }, at(27)), metadata: { cpu: { type: 'speed' } } },
    ];
    const res = await send(open, batch(rounds));
    expect(res.status).toBe(200);
    expect(res.body.stored).toEqual([0, 2]);
    expect(res.body.refused).toEqual([
      { index: 1, error: 'data must be a non-empty object' },
      { index: 3, error: `metadata type of "cpu" must be 'gauge', 'counter' or 'info'` },
    ]);
    expect(res.body.feature_flags).toEqual({});
    expect(await samples(open, 'batch-2', 'cpu')).toBe(2);
    // The same rounds again (a resend after a lost answer): stored, and still once each.
    const again = await send(open, batch(rounds));
    expect(again.body.stored).toEqual([0, 2]);
    expect(await samples(open, 'batch-2', 'cpu')).toBe(2);
  });

  it('accepts a gzip-compressed batch signed over the compressed bytes, and only that', async () => {
    const plain = Buffer.from(batch([report('batch-3', { cpu: 1 }, at(20))]));
    const gzipped = gzipSync(plain);
    const gzip = { 'Content-Encoding': 'gzip' };
    const overPlain = await send(signed, gzipped, { ...gzip, ...timestamped(plain) });
    expect(overPlain.status).toBe(403);
    // One set of headers for both sends: signing twice could straddle a second boundary.
    const headers = { ...gzip, ...timestamped(gzipped) };
    const ok = await send(signed, gzipped, headers);
    expect(ok.status).toBe(200);
    expect(ok.body.stored).toEqual([0]);
    // The very same request again is a replay: refused, whatever the rounds.
    const replay = await send(signed, gzipped, headers);
    expect(replay.status).toBe(403);
    expect(replay.body.message).toMatch(/Replayed/);
  });

  it('takes a gzip-compressed single report too (compatible signature over the bytes sent)', async () => {
    const gzipped = gzipSync(JSON.stringify(report('batch-4', { cpu: 2 })));
    const res = await send(signed, gzipped, {
      'Content-Encoding': 'gzip',
      'X-Telemetry-Signature': sign(SIGNING, gzipped),
    });
    expect(res.status).toBe(200);
    expect(await samples(signed, 'batch-4', 'cpu')).toBe(1);
  });

  it('refuses a corrupt or unknown encoding and a batch of no or too many rounds', async () => {
    const corrupt = await send(open, Buffer.from('not gzip at all'), {
      'Content-Encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    const brotli = await send(open, Buffer.from('{}'), { 'Content-Encoding': 'br' });
    expect(brotli.status).toBe(415);
    expect((await send(open, batch([]))).status).toBe(400);
    const many = Array.from({ length: 501 }, (_, i) => report('batch-5', { cpu: i }, at(600 - i)));
    const tooMany = await send(open, gzipSync(batch(many)), { 'Content-Encoding': 'gzip' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/1 to 500 reports/);
  });
});
