import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/chromium';
import { CHROME_UA } from '../tracking/tracking-fixtures';

const root = resolve(__dirname, '../..');

// The sample receiver (sample-app/server) as `npm start` runs it: its live page in a real
// Chromium, fed by the WebSocket endpoint while pageviews and errors arrive over HTTP.
describeWithChromium('the sample receiver’s live page in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'live-page-'));
  const adminKey = randomBytes(32).toString('hex');
  let server: ChildProcess;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = spawn(
      process.execPath,
      ['-r', require.resolve('@swc-node/register'), join(root, 'sample-app/server/main.ts')],
      {
        cwd: work,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: join(root, 'tsconfig.json'),
          NODE_ENV: 'production',
          PORT: '0',
          RECEIVER_ADMIN_KEY: adminKey,
          RECEIVER_IP_HASH_SALT: randomBytes(32).toString('hex'),
          RECEIVER_DATABASE_URL: `sqlite:${join(work, 'receiver.sqlite')}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    url = await new Promise<string>((found, fail) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        log += line + '\n';
        const match = /Receiver listening on (http:\/\/\S+)\/api/.exec(line);
        if (match) found(match[1].replace('[::1]', '127.0.0.1'));
      });
      server.once('exit', (code) =>
        fail(new Error(`the sample receiver exited (${code}):\n${log}`)),
      );
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  const call = async (path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('shows the live visitor count, pageviews and errors as they are sent', async () => {
    const created = await call(
      '/api/projects/create',
      { name: 'Live', allowed_domains: ['shop.example.com'] },
      { 'X-Admin-Key': adminKey },
    );
    expect(created.status).toBe(200);
    const { id, secret_key: secretKey, public_key: publicKey } = created.body.data;
    const minted = await call(
      '/api/realtime/tokens',
      { project_id: id },
      { 'X-Admin-Key': adminKey },
    );
    expect(minted.status).toBe(200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/live#token=${minted.body.data.token}`);
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.startsWith('live'),
    );
    await page.waitForFunction(() => document.getElementById('visitors')?.textContent === '0');

    const browserHeaders = {
      'X-API-Key': publicKey,
      'User-Agent': CHROME_UA,
      Accept: '*/*',
      'Accept-Language': 'en-GB',
      Origin: 'https://shop.example.com',
    };
    for (const visitor of ['a', 'b']) {
      const sent = await call(
        '/api/track/pageview',
        {
          url: `https://shop.example.com/pricing-${visitor}`,
          page_title: 'Pricing',
          visitor_id: `visitor-${visitor}`,
          session_token: `session-${visitor}`,
        },
        browserHeaders,
      );
      expect(sent.status).toBe(202);
    }
    const failed = await call(
      '/api/track/error',
      { message: 'Card declined', error_type: 'PaymentError', severity: 'critical' },
      { 'X-API-Key': secretKey },
    );
    expect(failed.status).toBe(202);

    await page.waitForFunction(() => document.getElementById('visitors')?.textContent === '2');
    await page.waitForFunction(() =>
      document.getElementById('errors')?.textContent?.includes('PaymentError: Card declined'),
    );
    const pageviews = await page.locator('#pageviews li').allTextContents();
    expect(pageviews.sort()).toEqual([
      'Pricing https://shop.example.com/pricing-a',
      'Pricing https://shop.example.com/pricing-b',
    ]);
    expect(await page.locator('#errors li.new').count()).toBe(1);
  }, 60_000);
});
