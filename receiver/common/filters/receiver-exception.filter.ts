import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../storage/storage.constants';
import { storageOutageOf } from '../../storage/storage-outage.monitor';
import { isInvalidValueFault } from '../../storage/storage-fault';
import { CommonMessages } from '../common.messages';
import { fail } from '../envelope/envelope';
import { RECEIVER_ERROR_STATUS, ReceiverError } from '../errors/receiver.errors';
import { receiverState } from '../request/receiver-request';

/** What a 503 asks the client to wait before retrying (SDKs and outboxes honour it). */
const RETRY_AFTER_SECONDS = 5;

/**
 * Turns every error of a receiver route into the Micrologs envelope `{success:false, message}`
 * (never Nest's `{statusCode, message, error}`): domain errors ({@link ReceiverError}) get the
 * status of their kind, HTTP exceptions (guards, body limits) their own. Bodies of `ReceiverRawHttpException` (429) are
 * sent as they are. A storage fault (database down, hung, disk full — whichever query met it, the
 * key lookup included) is a 503 with `Retry-After`, logged once per outage by the storage outage
 * monitor rather than once per request. A value the database refused as such (an id beyond the
 * column's range) is the client's input: 400. Other unexpected errors are logged with the request id
 * and answered 500.
 */
@Catch()
export class ReceiverExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Receiver');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RECEIVER_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<unknown>();
    const response = http.getResponse<unknown>();
    const { httpAdapter } = this.adapterHost;
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: unknown = fail(CommonMessages.serverError);
    let retryAfterSeconds = RETRY_AFTER_SECONDS;
    if (exception instanceof ReceiverError) {
      status = RECEIVER_ERROR_STATUS[exception.kind];
      body = fail(exception.message);
      retryAfterSeconds = exception.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const payload = exception.getResponse();
      body =
        typeof payload === 'object' && payload !== null && !('statusCode' in payload)
          ? payload
          : fail(this.messageOf(exception, payload));
    } else if (storageOutageOf(this.dataSource).failed(exception)) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      body = fail(CommonMessages.storageUnavailable);
    } else if (isInvalidValueFault(exception)) {
      status = HttpStatus.BAD_REQUEST;
      body = fail(CommonMessages.invalidInput);
    } else {
      const { requestId } = receiverState(request);
      const error = exception as Error;
      this.logger.error(`[${requestId}] ${error?.message ?? String(exception)}`, error?.stack);
    }
    // Every 503 says when to come back, whichever layer refused the work.
    if (status === HttpStatus.SERVICE_UNAVAILABLE) {
      httpAdapter.setHeader(response, 'Retry-After', String(retryAfterSeconds));
    }
    httpAdapter.reply(response, body, status);
  }

  private messageOf(exception: HttpException, payload: unknown): string {
    if (exception.getStatus() === HttpStatus.NOT_FOUND) return CommonMessages.notFound;
    const message = (payload as { message?: unknown })?.message;
    return typeof message === 'string' ? message : exception.message;
  }
}
