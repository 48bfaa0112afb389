/** A discovered `@TelemetryResponseHandler()` method. */
export interface TelemetryResponseHandlerDefinition {
  /** Top-level response key it handles. */
  readonly key: string;
  readonly className: string;
  readonly methodName: string;
  /** Calls the method with the key's value. */
  readonly invoke: (value: unknown) => unknown;
}
