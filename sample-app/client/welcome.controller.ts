import { Controller, Get } from '@nestjs/common';
import { WelcomeBannerService } from './welcome-banner.service';

@Controller()
export class WelcomeController {
  constructor(private readonly welcome: WelcomeBannerService) {}

  /** `{"banner": "…"}` while the receiver's `welcome_banner` flag is on, `{"banner": null}` otherwise. */
  @Get()
  index(): { banner: string | null } {
    return { banner: this.welcome.banner() };
  }
}
