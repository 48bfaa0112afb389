import { HttpException } from '@nestjs/common';
import { fail } from './envelope';

/**
 * An error answered with the envelope `{success:false, message}` and the given status. Thrown by
 * every receiver handler instead of Nest's built-in exceptions, whose body shape differs.
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
