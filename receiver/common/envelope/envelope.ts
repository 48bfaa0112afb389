import { HttpException } from '@nestjs/common';

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

/**
 * An error answered with the envelope `{success:false, message}` and the given status, where HTTP
 * itself is the reason (a body too large, an unsupported encoding); validators and services throw
 * domain errors instead (`common/errors/receiver.errors.ts`). Used in place of Nest's built-in
 * exceptions, whose body shape differs.
 */
export class ReceiverHttpException extends HttpException {
  constructor(status: number, message: string) {
    super(fail(message), status);
  }
}

/** An error answered with a fixed, non-envelope JSON body (the contract's 429 bodies). */
export class ReceiverRawHttpException extends HttpException {
  constructor(status: number, body: Record<string, unknown>) {
    super(body, status);
  }
}
