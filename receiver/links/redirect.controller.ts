import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import { Client, type ClientContext } from '../common/request/client-context';
import { queryParam, requestPath } from '../common/request/receiver-request';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { RedirectResponder } from './redirect.responder';
import { RedirectService } from './redirect.service';
import { withoutNul } from '../common/input/json-input';

const REDIRECT_DOC = {
  success: { status: 302, description: 'Location: the destination URL' },
  errors: {
    400: 'Missing code or non-http(s) destination (plain text)',
    404: 'Unknown or inactive code (plain text)',
  },
};

/**
 * `/api/redirect.php?c=<code>` (contract 2.4): any method, no key, plain-text errors — so not a
 * `@ReceiverController` (whose errors are envelopes); only the rate limit guard applies.
 */
@ApiGroup('links')
@Controller()
@UseGuards(RateLimitGuard)
export class RedirectController {
  constructor(
    private readonly redirects: RedirectService,
    private readonly responder: RedirectResponder,
  ) {}

  @All(['redirect.php', 'redirect'])
  @RateLimit('_redirect', 120)
  @ApiEndpoint({
    summary: 'Follow a short link (records a click)',
    query: [{ name: 'c', description: 'Link code', required: true }],
    ...REDIRECT_DOC,
  })
  async redirect(
    @Req() request: unknown,
    @Client() client: ClientContext,
    @Res() response: unknown,
  ): Promise<void> {
    this.responder.send(response, await this.redirects.resolve(queryParam(request, 'c'), client));
  }
}

/** `/r/<code>`: the short spelling of the redirect, mounted at the application root. */
@ApiGroup('links')
@Controller('r')
@UseGuards(RateLimitGuard)
export class ShortLinkController {
  constructor(
    private readonly redirects: RedirectService,
    private readonly responder: RedirectResponder,
  ) {}

  @All(':code')
  @RateLimit('_redirect', 120)
  @ApiEndpoint({
    summary: 'Follow a short link, short form (records a click)',
    params: [{ name: 'code', description: 'Link code' }],
    ...REDIRECT_DOC,
  })
  async redirect(
    @Req() request: unknown,
    @Client() client: ClientContext,
    @Res() response: unknown,
  ): Promise<void> {
    const code = decodeSegment(requestPath(request).split('/').pop() ?? '');
    this.responder.send(response, await this.redirects.resolve(code, client));
  }
}

/**
 * A path segment decoded, without NUL characters (the receiver's one NUL policy); a malformed
 * escape (`%zz`) is kept as written, which finds no link.
 */
function decodeSegment(segment: string): string {
  try {
    return withoutNul(decodeURIComponent(segment));
  } catch {
    return segment;
  }
}
