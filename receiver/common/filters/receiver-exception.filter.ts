import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommonMessages } from '../common.messages';
import { fail } from '../envelope/envelope';
import { RECEIVER_ERROR_STATUS, ReceiverError } from '../errors/receiver.errors';
import { receiverState } from '../request/receiver-request';

/**
 * Turns every error of a receiver route into the Micrologs envelope `{success:false, message}`
 * (never Nest's `{statusCode, message, error}`): domain errors ({@link ReceiverError}) get the
 * status of their kind, HTTP exceptions (guards, body limits) their own. Bodies of `ReceiverRawHttpException` (429) are
 * sent as they are. Unexpected errors are logged with the request id and answered 500.
 */
@Catch()
export class ReceiverExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Receiver');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<unknown>();
    const response = http.getResponse<unknown>();
    const { httpAdapter } = this.adapterHost;
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: unknown = fail(CommonMessages.serverError);
    if (exception instanceof ReceiverError) {
      status = RECEIVER_ERROR_STATUS[exception.kind];
      body = fail(exception.message);
      if (exception.retryAfterSeconds !== undefined) {
        httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
      }
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const payload = exception.getResponse();
      body =
        typeof payload === 'object' && payload !== null && !('statusCode' in payload)
          ? payload
          : fail(this.messageOf(exception, payload));
    } else {
      const { requestId } = receiverState(request);
      const error = exception as Error;
      this.logger.error(`[${requestId}] ${error?.message ?? String(exception)}`, error?.stack);
    }
    httpAdapter.reply(response, body, status);
  }

  private messageOf(exception: HttpException, payload: unknown): string {
    if (exception.getStatus() === HttpStatus.NOT_FOUND) return CommonMessages.notFound;
    const message = (payload as { message?: unknown })?.message;
    return typeof message === 'string' ? message : exception.message;
  }
}
