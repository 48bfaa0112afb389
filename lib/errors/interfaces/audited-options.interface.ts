/** Options of `@Audited()`: how the entry's actor and context come from the call. */
export interface AuditedOptions {
  /**
   * The actor, from the method's arguments. Default: the `errors.actor` resolver applied to the
   * request being handled (empty when there is none).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actor?: (...args: any[]) => string | undefined | null;
  /** The entry's context, from the method's result and arguments. Default: none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  context?: (result: any, ...args: any[]) => Record<string, unknown> | undefined | null;
}

/** @internal What `@Audited()` stores on the method. */
export interface AuditedDefinition extends AuditedOptions {
  action: string;
}
