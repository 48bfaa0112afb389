import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNIPPET_BUILD_FILE } from './snippet.constants';

/** Texts of the snippet capability. */
const SnippetMessages = {
  notBuilt: (path: string) =>
    `The browser snippet has not been built (${path} is missing): run "npm run build"`,
} as const;

/** The built snippet and its validator. */
export interface SnippetFile {
  body: string;
  etag: string;
}

/**
 * Holds the minified browser snippet in memory (read once, on first use) with a strong ETag
 * derived from its content, so a new release is fetched as soon as a cached copy revalidates.
 */
@Injectable()
export class SnippetService {
  private readonly logger = new Logger('Snippet');
  private readonly path = join(__dirname, SNIPPET_BUILD_FILE);
  private file: SnippetFile | undefined;

  /** The snippet, or `undefined` (logged) when the package was not built. */
  get(): SnippetFile | undefined {
    if (this.file) return this.file;
    try {
      const body = readFileSync(this.path, 'utf8');
      const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
      this.file = { body, etag: `"${hash}"` };
    } catch {
      this.logger.error(SnippetMessages.notBuilt(this.path));
    }
    return this.file;
  }
}
