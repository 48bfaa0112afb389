import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** The health endpoint. Its indicator registry lives in the core module so features can extend it. */
@Module({ controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
