import { Injectable, Logger } from '@nestjs/common';

/** What happened to a project (`purged`: the retention purge deleted some of its data). */
export type ProjectEvent = {
  type: 'toggled' | 'deleted' | 'updated' | 'keys-rotated' | 'purged';
  projectId: number;
};

type Listener = (event: ProjectEvent) => void | Promise<void>;

/**
 * Lets other capabilities react to project changes (the analytics cache purges a project's keys
 * on toggle, delete and retention purge) without the projects code knowing them. Listener failures are logged and
 * never fail the admin call.
 */
@Injectable()
export class ProjectEvents {
  private readonly logger = new Logger('ReceiverProjects');
  private readonly listeners: Listener[] = [];

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  async emit(event: ProjectEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.warn(`project ${event.type} listener failed: ${String(error)}`);
      }
    }
  }
}
