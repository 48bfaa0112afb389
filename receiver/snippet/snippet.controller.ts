import { Controller, Get, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { header, ReceiverHttpException } from '../common';
import { CommonMessages } from '../common/common.messages';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { SNIPPET_CACHE_CONTROL, SNIPPET_CONTENT_TYPE } from './snippet.constants';
import { SnippetService } from './snippet.service';

/**
 * Serves the browser snippet at `/snippet/micrologs.js` (the original's path, which the snippet
 * uses to find the API base). Cached for an hour, then revalidated with its ETag (304).
 */
@ApiGroup('snippet')
@Controller('snippet')
export class SnippetController {
  constructor(
    private readonly snippet: SnippetService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('micrologs.js')
  @ApiEndpoint({
    summary: 'The browser tracking snippet (JavaScript)',
    description:
      'Served from the application root; the snippet derives the API base from its own URL. ' +
      'Cached for an hour, then revalidated with its ETag.',
    headers: [{ name: 'If-None-Match', description: 'ETag of a previous answer' }],
    success: { status: 200, description: 'application/javascript with `ETag` and `Cache-Control`' },
    responses: { 304: 'Snippet unchanged since the ETag sent in If-None-Match' },
    errors: { 500: 'The snippet bundle is missing from the installation' },
    rateLimited: false,
  })
  serve(@Req() request: unknown, @Res({ passthrough: true }) response: unknown): string {
    const file = this.snippet.get();
    if (!file) throw new ReceiverHttpException(500, CommonMessages.serverError);
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Content-Type', SNIPPET_CONTENT_TYPE);
    adapter.setHeader(response, 'Cache-Control', SNIPPET_CACHE_CONTROL);
    adapter.setHeader(response, 'ETag', file.etag);
    const tags = header(request, 'if-none-match')
      .split(',')
      .map((t) => t.trim());
    if (tags.includes(file.etag) || tags.includes('*')) {
      adapter.status(response, 304);
      return '';
    }
    return file.body;
  }
}
