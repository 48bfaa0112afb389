import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  Injectable,
  type INestApplication,
  Module,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Audited, AuditService, TelemetryModule, type TelemetryErrorsOptions } from '../../lib';
import type { TelemetryModuleOptions } from '../../lib';
import type { AdapterName } from '../support/receiver-app';

/** An error the app handles with a filter of its own (which must keep answering as before). */
export class PaymentDeclined extends Error {
  constructor(readonly reason: string) {
    super(`payment declined: ${reason}`);
    this.name = 'PaymentDeclined';
  }
}

@Catch(PaymentDeclined)
export class PaymentDeclinedFilter implements ExceptionFilter {
  catch(error: PaymentDeclined, host: ArgumentsHost): void {
    // Express answers with json(), Fastify with send(); both have status().
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json?: (b: unknown) => void; send: (b: unknown) => void };
    }>();
    const body = { declined: true, reason: error.reason };
    const sent = response.status(402);
    if (typeof sent.json === 'function') sent.json(body);
    else sent.send(body);
  }
}

@Injectable()
export class Refunds {
  constructor(readonly audit: AuditService) {}

  @Audited('order.refunded', {
    actor: (_orderId: string, by: string) => by,
    context: (result: { amount: number }, orderId: string) => ({ orderId, amount: result.amount }),
  })
  async refund(orderId: string, _by: string): Promise<{ amount: number }> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { amount: orderId.length * 10 };
  }

  @Audited('order.refund_failed')
  failingRefund(): never {
    throw new Error('refund impossible');
  }
}

@Controller()
export class ShopController {
  constructor(private readonly refunds: Refunds) {}

  @Get('orders/:id')
  order(@Param('id') id: string): never {
    throw new Error(`order store exploded`);
    void id;
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such thing');
  }

  @Get('unavailable')
  unavailable(): never {
    throw new HttpException('maintenance', 503);
  }

  @Get('pay')
  pay(): never {
    throw new PaymentDeclined('card expired');
  }

  @Get('burst')
  burst(@Query('n') n: string): never {
    throw new TypeError(`burst failure`);
    void n;
  }

  @Post('refunds/:id')
  @Audited('refund.requested')
  async refund(@Param('id') id: string): Promise<{ amount: number }> {
    return this.refunds.refund(id, 'controller');
  }
}

export interface CaptureApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** A Nest app with `TelemetryModule` capturing errors, on a real port. */
export async function createCaptureApp(
  adapter: AdapterName,
  errors: TelemetryErrorsOptions,
  options: TelemetryModuleOptions = {},
): Promise<CaptureApp> {
  @Module({
    imports: [
      TelemetryModule.forRoot({
        store: 'memory',
        flagsPollInterval: 0,
        reportInterval: 3600,
        ...options,
        errors,
      }),
    ],
    controllers: [ShopController],
    providers: [Refunds, { provide: APP_FILTER, useClass: PaymentDeclinedFilter }],
  })
  class CaptureAppModule {}

  const app = await NestFactory.create(
    CaptureAppModule,
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
