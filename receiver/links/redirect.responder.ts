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
      adapter.redirect(response, 302, outcome.location);
      return;
    }
    adapter.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.reply(response, outcome.text, outcome.status);
  }
}
