/** Texts of the ingestion capability. */
export const IngestMessages = {
  noHandler: (kind: string) =>
    `No ingest handler is registered for job kind "${kind}" (register one with IngestHandlerRegistry.register)`,
  duplicateHandler: (kind: string) =>
    `An ingest handler for job kind "${kind}" is already registered`,
  closed: 'The ingestion queue is shutting down; the event was not accepted',
  full: (max: number) =>
    `The ingestion queue holds ${max} unwritten events; the event was not accepted`,
  batchFailed: (size: number, reason: string) =>
    `A batch of ${size} events could not be written (${reason}); retrying them one by one`,
  jobFailed: (kind: string, reason: string) => `A ${kind} event could not be written: ${reason}`,
  storageDown: (reason: string) => `Database writes are failing: ${reason}`,
  healthy: (name: string, pending: number) => `${name} queue running, ${pending} pending`,
  drained: (count: number) => `Ingestion queue drained (${count} events written during shutdown)`,
} as const;
