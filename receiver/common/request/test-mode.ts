import { header } from './receiver-request';

/**
 * The Micrologs test hook: `X-Test-Mode: phpunit` skips rate limits (and the bot filter), and
 * only when the receiver does not run in production, so it can never be used against a live
 * install.
 */
export function isTestModeRequest(request: unknown, options: { production: boolean }): boolean {
  return !options.production && header(request, 'x-test-mode') === 'phpunit';
}
