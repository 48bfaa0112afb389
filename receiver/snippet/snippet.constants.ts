/** Browsers and CDNs may reuse the snippet for an hour, then revalidate with its ETag. */
export const SNIPPET_CACHE_CONTROL = 'public, max-age=3600, must-revalidate';

export const SNIPPET_CONTENT_TYPE = 'application/javascript; charset=utf-8';

/** Where `scripts/build-snippet.mjs` writes the built file, relative to this folder. */
export const SNIPPET_BUILD_FILE = 'dist/micrologs.js';
