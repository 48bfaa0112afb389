/** The Micrologs response envelope: `data` is present on success and absent on every error. */
export interface Envelope<T = unknown> {
  success: boolean;
  message: string;
  data?: T;
}

/** A success envelope. */
export function ok<T>(message: string, data: T): Envelope<T> {
  return { success: true, message, data };
}

/** An error envelope (never carries `data`). */
export function fail(message: string): Envelope<never> {
  return { success: false, message };
}
