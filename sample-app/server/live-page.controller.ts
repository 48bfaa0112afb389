import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';

/**
 * `GET /live`: a plain HTML page showing live visitors, errors and pageviews of one project from
 * the realtime feed. Open it as `/live#token=<token>`; the token (from `POST /api/realtime/tokens`)
 * stays in the fragment, which browsers never send to the server.
 */
@Controller('live')
export class LivePageController {
  private readonly html = readFileSync(join(__dirname, 'live-page.html'), 'utf8');

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return this.html;
  }
}
