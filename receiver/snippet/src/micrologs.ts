/**
 * Micrologs browser snippet: a drop-in replacement for the original `snippet/micrologs.js` v1.1.0.
 * Same `data-*` attributes, cookie and sessionStorage names, request bodies and globals, plus
 * pageviews on SPA navigation, a last-chance flush on page hide, cookieless mode
 * (`data-cookieless="true"`, or the project's setting, learnt from the first answer) and consent
 * gating (`data-consent="pending"` until `Micrologs.consent(true)`). Built to one minified file by
 * `scripts/build-snippet.mjs`; the receiver serves it at `<base>/snippet/micrologs.js`.
 */
interface ErrorBody {
  message: string;
  error_type: string;
  file: string;
  line: number | null;
  stack: string | null;
  url: string;
  severity: string;
  environment: string;
  context: unknown;
}

((w: Window & { Micrologs?: unknown }, d: Document) => {
  const script = d.currentScript as HTMLScriptElement | null;
  const key = script?.getAttribute('data-public-key');
  if (!script || !key) {
    console.warn('[Micrologs] data-public-key is required.');
    return;
  }
  const src = script.src || '';
  const cut = src.indexOf('/snippet/');
  const base = (script.getAttribute('data-api-url') || (cut > -1 ? src.slice(0, cut) : '')).replace(
    /\/$/,
    '',
  );
  const environment = script.getAttribute('data-environment') || 'production';
  const SESSION_TIMEOUT = 1_800_000;
  const loc = w.location;
  const store = (() => {
    try {
      return w.sessionStorage;
    } catch {
      return null;
    }
  })();

  /**
   * Where identity lives. `cookieless`: nowhere on the device (the receiver derives it). `cookie`:
   * the `_ml_vid` cookie and sessionStorage, as the original snippet. `unknown`: in memory until
   * the first pageview's answer says which one the project uses, so a cookieless project never
   * gets a cookie written, not even once.
   */
  let mode: 'cookie' | 'cookieless' | 'unknown' =
    script.getAttribute('data-cookieless') === 'true' ? 'cookieless' : 'unknown';
  /** `pending`: nothing is sent until `Micrologs.consent(true)`; `denied`: nothing at all. */
  let consent: 'granted' | 'pending' | 'denied' =
    script.getAttribute('data-consent') === 'pending' ? 'pending' : 'granted';

  const noop = (): void => undefined;

  // fetch with keepalive survives the page being closed; old browsers get an async XHR. The
  // answer is read (a failed request or a body-less 204 reads as undefined).
  const send = (path: string, body: object): Promise<unknown> | undefined => {
    if (consent !== 'granted') return undefined;
    const url = base + path;
    const payload = JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', 'X-API-Key': key };
    try {
      if (w.fetch) {
        return w
          .fetch(url, { method: 'POST', headers, body: payload, keepalive: true })
          .then((response) => response.json())
          .catch(noop);
      }
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url, true);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.send(payload);
    } catch {
      // Tracking must never break the page.
    }
    return undefined;
  };
  const uuid = (): string =>
    'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = (Math.random() * 16) | 0;
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    });

  // Reading what an earlier page stored is not storing; writing waits for cookie mode.
  const cookie = d.cookie.match(/(?:^|;\s*)_ml_vid=([^;]*)/);
  const visitor = cookie ? decodeURIComponent(cookie[1]) : uuid();
  let session = store?.getItem('_ml_sid') || '';
  let last = Number(store?.getItem('_ml_last') || 0);
  if (!session || Date.now() - last > SESSION_TIMEOUT) session = uuid();
  last = Date.now();

  const persist = (): void => {
    if (!cookie) {
      const expires = new Date(Date.now() + 365 * 864e5).toUTCString();
      d.cookie = `_ml_vid=${encodeURIComponent(visitor)}; expires=${expires}; path=/; SameSite=Lax`;
    }
    store?.setItem('_ml_sid', session);
    store?.setItem('_ml_last', String(last));
  };
  // Cookieless or consent withdrawn: remove what an earlier page of the site may have stored.
  const forget = (): void => {
    d.cookie = '_ml_vid=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; SameSite=Lax';
    store?.removeItem('_ml_sid');
    store?.removeItem('_ml_last');
  };
  const touch = (): void => {
    last = Date.now();
    if (mode === 'cookie') store?.setItem('_ml_last', String(last));
  };
  const learn = (answer: unknown): void => {
    if (mode !== 'unknown' || consent !== 'granted') return;
    const data = (answer as { data?: { cookieless?: unknown } } | null)?.data;
    if (!data) return; // no answer (network, bot filter): decide on the next one
    mode = data.cookieless === true ? 'cookieless' : 'cookie';
    if (mode === 'cookie') persist();
    else forget();
  };
  if (mode === 'cookieless') forget();

  const timezone = (): string => {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      return '';
    }
  };

  const canvasTail = (): string => {
    try {
      const canvas = d.createElement('canvas');
      const ctx = canvas.getContext('2d');
      if (!ctx) return '';
      ctx.textBaseline = 'top';
      ctx.font = '14px Arial';
      ctx.fillText('Micrologs~', 2, 2);
      return canvas.toDataURL().slice(-32);
    } catch {
      return '';
    }
  };

  const fingerprint = (): string =>
    [
      navigator.userAgent,
      navigator.language,
      `${screen.width}x${screen.height}`,
      screen.colorDepth,
      new Date().getTimezoneOffset(),
      !!w.sessionStorage,
      !!w.localStorage,
      canvasTail(),
    ].join('|');

  const pageview = (): void => {
    const params = new URLSearchParams(loc.search);
    const body: Record<string, string | boolean> = {
      url: loc.href,
      page_title: d.title || '',
      referrer: d.referrer || '',
      screen_resolution: `${screen.width}x${screen.height}`,
      timezone: timezone(),
    };
    if (mode === 'cookieless') {
      body.cookieless = true;
    } else {
      body.visitor_id = visitor;
      body.session_token = session;
      // The fingerprint is computed only once the project is known to use cookies.
      if (mode === 'cookie') body.fingerprint = fingerprint();
    }
    for (const name of ['source', 'medium', 'campaign', 'content', 'term']) {
      body[`utm_${name}`] = params.get(`utm_${name}`) || '';
    }
    send('/api/track/pageview.php', body)?.then(learn, noop);
  };

  // Pageview at start-up; if the page is hidden before DOMContentLoaded it is sent then.
  let lastHref = loc.href;
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    pageview();
  };
  const boot = (): void => {
    if (consent === 'granted') start();
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', boot);
  else boot();
  w.addEventListener('pagehide', boot);

  // SPA navigation: any change of location.href is a new pageview in the same session.
  const navigated = (): void => {
    if (loc.href === lastHref || consent !== 'granted') return;
    lastHref = loc.href;
    touch();
    pageview();
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      navigated();
      return result;
    };
  }
  w.addEventListener('popstate', navigated);
  w.addEventListener('hashchange', navigated);

  const sendError = (body: Partial<ErrorBody> & { message: string }): void => {
    send('/api/track/error.php', {
      error_type: 'Unknown',
      file: loc.href,
      line: null,
      stack: null,
      url: loc.href,
      severity: 'error',
      environment,
      context: null,
      ...body,
      message: String(body.message).slice(0, 1024),
    });
  };

  const seen: Record<string, 1> = {};
  const capture = (body: Partial<ErrorBody> & { message: string }): void => {
    const id = `${body.error_type}${body.message}${body.file}${body.line}`;
    if (seen[id]) return;
    seen[id] = 1;
    sendError(body);
  };

  w.onerror = (message, source, lineno, _col, error) => {
    capture({
      message: String(message),
      error_type: error?.name || 'Error',
      file: source || loc.href,
      line: lineno ?? null,
      stack: error?.stack || null,
    });
    return false;
  };

  w.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    const isError = reason instanceof Error;
    capture({
      message: isError ? reason.message : String(reason),
      error_type: isError ? reason.name : 'UnhandledRejection',
      stack: isError ? reason.stack || null : null,
      file: loc.href,
      line: null,
    });
  });

  w.Micrologs = {
    error(message: unknown, context?: unknown, severity?: string): void {
      sendError({
        message: String(message),
        error_type: 'ManualError',
        severity: severity || 'error',
        context: context ?? null,
      });
    },
    audit(action: unknown, actor?: unknown, context?: unknown): void {
      send('/api/track/audit.php', { action, actor: actor || '', context: context ?? null });
    },
    /**
     * The visitor's choice. `true` (with `data-consent="pending"`) starts tracking with this
     * page's pageview; `false` stops everything on this page and removes what was stored.
     * Nothing that happened before is sent: pending means nothing was queued.
     */
    consent(granted: unknown): void {
      if (granted === true) {
        if (consent !== 'pending') return;
        consent = 'granted';
        lastHref = loc.href;
        start();
      } else {
        consent = 'denied';
        forget();
      }
    },
  };
})(window, document);
