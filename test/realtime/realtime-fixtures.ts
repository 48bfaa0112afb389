import type { CommittedError } from '../../receiver/events';

/** A committed error of `projectId` carrying `n` (as `occurrences`) and `padding` in its message. */
export function paddedError(projectId: number, n: number, padding: string): CommittedError {
  return {
    type: 'error',
    projectId,
    timestamp: Date.now(),
    groupId: 1,
    eventId: `e${n}`,
    message: `${n} ${padding}`,
    errorType: 'Error',
    severity: 'error',
    environment: 'production',
    newGroup: false,
    regression: false,
    occurrences: n,
  };
}
