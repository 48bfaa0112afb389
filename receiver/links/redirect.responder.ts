import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RedirectOutcome } from './redirect.service';

/** Writes a {@link RedirectOutcome} on either adapter: a bare 302, or a plain-text error. */
@Injectable()
export class RedirectResponder {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  send(response: unknown, outcome: RedirectOutcome): void {
    const adapter = this.adapterHost.httpAdapter;
    if (outcome.status === 302) {
      // Not `adapter.redirect`: Express would add a "Found. Redirecting to …" body (contract: empty).
      adapter.setHeader(response, 'Location', outcome.location);
      adapter.reply(response, undefined, 302);
      return;
    }
    adapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.reply(response, outcome.text, outcome.status);
  }
}
