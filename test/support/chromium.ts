import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './services';

/** Suites that need a browser run only where Debian's Chromium is installed (skipped otherwise). */
export const describeWithChromium = chromiumPath() ? describe : describe.skip;

/**
 * Launches Debian's Chromium headless with the flags a container without a GPU or a sandbox
 * needs, and without the background traffic (updates, safe browsing) that would reach outside.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });

/** A web site on a free local port, as the page embedding the snippet is served in production. */
export interface TestSite {
  url: string;
  close(): Promise<void>;
}

/** Serves the HTML `pageFor` returns for each requested URL (path and query of the request). */
export async function serveSite(pageFor: (url: URL) => string): Promise<TestSite> {
  const site = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(pageFor(new URL(req.url ?? '/', 'http://site')));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => site.close(() => resolve())),
  };
}
