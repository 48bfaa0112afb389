import { Controller, Get, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { header, ReceiverHttpException } from '../common';
import { CommonMessages } from '../common/common.messages';
import { SNIPPET_CACHE_CONTROL, SNIPPET_CONTENT_TYPE } from './snippet.constants';
import { SnippetService } from './snippet.service';

/**
 * Serves the browser snippet at `/snippet/micrologs.js` (the original's path, which the snippet
 * uses to find the API base). Cached for an hour, then revalidated with its ETag (304).
 */
@Controller('snippet')
export class SnippetController {
  constructor(
    private readonly snippet: SnippetService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('micrologs.js')
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
