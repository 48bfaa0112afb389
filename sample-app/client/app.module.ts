import { Module } from '@nestjs/common';
import { TelemetryModule } from '../../lib';
import { AppTelemetryService } from './app-telemetry.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/**
 * The sample client. Everything about telemetry comes from the environment
 * (TELEMETRY_SERVER_URL, TELEMETRY_HOST, TELEMETRY_STORE, …), as `forRoot()` has no options.
 */
@Module({
  imports: [TelemetryModule.forRoot()],
  controllers: [UsersController],
  providers: [UsersService, AppTelemetryService],
})
export class AppModule {}
