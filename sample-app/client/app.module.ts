import { Module } from '@nestjs/common';
import { TelemetryModule } from '../../lib';
import { AppTelemetryService } from './app-telemetry.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { WelcomeBannerService } from './welcome-banner.service';
import { WelcomeController } from './welcome.controller';

/**
 * The sample client. Everything about telemetry comes from the environment
 * (TELEMETRY_SERVER_URL, TELEMETRY_HOST, TELEMETRY_STORE, …), as `forRoot()` has no options.
 */
@Module({
  imports: [TelemetryModule.forRoot()],
  controllers: [UsersController, WelcomeController],
  providers: [UsersService, AppTelemetryService, WelcomeBannerService],
})
export class AppModule {}
