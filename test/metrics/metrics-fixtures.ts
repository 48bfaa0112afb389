/** The `/metrics` token every metrics suite configures. */
export const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

/** A report timestamp `seconds` from now, whole seconds (newer than one sent just before). */
export const secondsFromNow = (seconds: number): string =>
  new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The sample lines of one metric in an exposition (`name{labels} value`). */
export const samplesOf = (exposition: string, name: string): string[] =>
  exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
