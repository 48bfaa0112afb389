import { Injectable } from '@nestjs/common';
import { IngestMessages } from './ingest.messages';
import { IngestHandler } from './interfaces/ingest.interfaces';

/** The handlers that write each job kind (`pageview`, `error`, `audit`, `click`, …). */
@Injectable()
export class IngestHandlerRegistry {
  private readonly handlers = new Map<string, IngestHandler>();

  register<P>(handler: IngestHandler<P>): void {
    if (this.handlers.has(handler.kind)) {
      throw new Error(IngestMessages.duplicateHandler(handler.kind));
    }
    this.handlers.set(handler.kind, handler as IngestHandler);
  }

  get(kind: string): IngestHandler {
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(IngestMessages.noHandler(kind));
    return handler;
  }

  has(kind: string): boolean {
    return this.handlers.has(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }
}
