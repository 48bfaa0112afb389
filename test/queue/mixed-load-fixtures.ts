/**
 * The mixed load of the multi-process queue suite: each kind of event the receiver accepts, sent
 * the way its real sender sends it, with one distinctive value per event so the database can be
 * asked afterwards which events it holds — and how many times.
 */
import { gzipSync } from 'node:zlib';
import type { Client } from 'pg';
import {
  encodeBatch,
  encodePayload,
  signBody,
  type TelemetryBatchAnswer,
  toUtcSecond,
} from '../../lib/protocol';
import { CLICK_JOB } from '../../receiver/links/interfaces/click-job.interface';
import { TELEMETRY_REPORT_JOB } from '../../receiver/telemetry/ingest/telemetry-report.job';
import { AUDIT_JOB, ERROR_JOB, PAGEVIEW_JOB } from '../../receiver/tracking/tracking.constants';
import type { ReceiverProcessInfo } from '../support/receiver-process.client';
import { CHROME_UA } from '../tracking/tracking-fixtures';

export const KINDS = ['pageview', 'audit', 'error', 'click', 'telemetry'] as const;
export type Kind = (typeof KINDS)[number];

/** The job kind (Redis stream) each kind of request is queued as. */
export const JOB_KIND: Record<Kind, string> = {
  pageview: PAGEVIEW_JOB,
  audit: AUDIT_JOB,
  error: ERROR_JOB,
  click: CLICK_JOB,
  telemetry: TELEMETRY_REPORT_JOB,
};

/** The status that acknowledges each kind: 202 for tracking, the redirect, 200 for a report. */
const ACK_STATUS: Record<Kind, number> = {
  pageview: 202,
  audit: 202,
  error: 202,
  click: 302,
  telemetry: 200,
};

const ADMIN_KEY = 'process-admin-key';
const SIGNING_SECRET = 'mixed-load-signing-secret';
const DESTINATION = 'https://shop.example.com/landing';
const REFERRER = 'https://ref.example.org/';
/** Rounds of a catch-up batch: enough for the body to pass GZIP_ABOVE_BYTES (sent compressed). */
const BATCH_ROUNDS = 16;

/** What the load needs besides the project's keys: a link, and a bearer token per reporting host. */
export interface LoadSetup {
  project: ReceiverProcessInfo;
  code: string;
  tokens: string[];
}

/** One request of the load, and what acknowledges it. */
export interface LoadRequest {
  path: string;
  init: RequestInit;
  /** The ids under which the database will show its events (see {@link storedIds}). */
  ids: string[];
  /** Of {@link ids}, those the answer acknowledges (by its status and, for a batch, its body). */
  acknowledged(res: Response, body: string): string[];
}

const testMode = { 'X-Test-Mode': 'phpunit', 'Content-Type': 'application/json' };

const browser = {
  'X-Test-Mode': 'phpunit',
  'User-Agent': CHROME_UA,
  Accept: '*/*',
  'Accept-Language': 'en',
};

async function answer<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Host name of load loop `w` (each loop reports as its own host). */
export const hostOf = (w: number): string => `load-w${w}`;

/**
 * Through `receiver`'s own APIs: the project requires signed reports (as a careful operator sets
 * it), a link to click, and a bearer token for each of `loops` hosts (the token-URL flow of the
 * reporter contract, §7).
 */
export async function prepareLoad(
  receiver: ReceiverProcessInfo,
  loops: number,
): Promise<LoadSetup> {
  await answer(
    await fetch(`${receiver.url}/api/projects/edit.php`, {
      method: 'POST',
      headers: { ...testMode, 'X-Admin-Key': ADMIN_KEY },
      body: JSON.stringify({ id: receiver.projectId, signing_secret: SIGNING_SECRET }),
    }),
    'signing secret',
  );
  const link = await answer<{ data: { code: string } }>(
    await fetch(`${receiver.url}/api/links/create.php`, {
      method: 'POST',
      headers: { ...testMode, 'X-API-Key': receiver.secretKey },
      body: JSON.stringify({ destination_url: DESTINATION, label: 'mixed load' }),
    }),
    'link',
  );
  const tokens: string[] = [];
  for (let w = 0; w < loops; w++) {
    const issued = await answer<{ token: string }>(
      await fetch(`${receiver.url}/api/telemetry/token`, {
        method: 'POST',
        headers: { ...testMode, 'X-API-Key': receiver.secretKey },
        body: JSON.stringify({ host: hostOf(w) }),
      }),
      'token',
    );
    tokens.push(issued.token);
  }
  return { project: receiver, code: link.data.code, tokens };
}

/** The request of kind `kind` from load loop `w`, its events named after `id` (`w<loop>-n<n>`). */
export function requestFor(kind: Kind, id: string, w: number, setup: LoadSetup): LoadRequest {
  const single = (path: string, init: RequestInit): LoadRequest => ({
    path,
    init,
    ids: [id],
    acknowledged: (res) => (res.status === ACK_STATUS[kind] ? [id] : []),
  });
  const post = (key: string, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { ...browser, 'Content-Type': 'application/json', 'X-API-Key': key },
    body: JSON.stringify(body),
  });
  const { publicKey, secretKey } = setup.project;
  switch (kind) {
    case 'pageview':
      return single(
        '/api/track/pageview.php',
        post(publicKey, {
          url: `https://shop.example.com/${id}`,
          visitor_id: `v${w}`,
          session_token: `s${w}`,
        }),
      );
    case 'audit':
      return single('/api/track/audit.php', post(secretKey, { action: id, actor: 'load' }));
    case 'error':
      return single('/api/track/error.php', post(secretKey, { message: id, error_type: 'Error' }));
    case 'click': {
      // A click's only free-form field is the Referer: it carries the id. A redirect counts only
      // when it goes where the link says.
      const request = single(`/r/${setup.code}`, {
        method: 'GET',
        redirect: 'manual',
        headers: { ...browser, Referer: REFERRER + id },
      });
      return {
        ...request,
        acknowledged: (res, body) =>
          res.headers.get('location') === DESTINATION ? request.acknowledged(res, body) : [],
      };
    }
    case 'telemetry':
      return telemetryRequest(id, w, setup);
  }
}

/**
 * A report as TelemetryModule sends it: serialised once, signed (timestamped mode) over exactly
 * the bytes sent, with the host's bearer token. Every other one is a catch-up batch of
 * {@link BATCH_ROUNDS} rounds, gzip-compressed before signing and acknowledged round by round
 * (the answer's `stored`). Each round reports one key of its own: one sample per round.
 */
function telemetryRequest(id: string, w: number, setup: LoadSetup): LoadRequest {
  const host = hostOf(w);
  const timestamp = toUtcSecond(new Date());
  const batch = Number(id.split('-n')[1]) % 2 === 1;
  const names = batch ? Array.from({ length: BATCH_ROUNDS }, (_, r) => `${id}.r${r}`) : [id];
  const rounds = names.map((name) => ({ host, timestamp, data: { [`load.${name}`]: name } }));
  // Host, key and value must all be the ones sent.
  const ids = names.map((name) => `${host}|load.${name}|${JSON.stringify(name)}`);
  const body = batch ? gzipSync(encodeBatch(rounds)) : Buffer.from(encodePayload(rounds[0]));
  return {
    path: '/api/telemetry',
    init: {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Test-Mode': 'phpunit',
        ...(batch && { 'Content-Encoding': 'gzip' }),
        Authorization: `Bearer ${setup.tokens[w]}`,
        ...signBody(SIGNING_SECRET, body, 'timestamped'),
      },
      body,
    },
    ids,
    acknowledged: (res, text) => {
      if (res.status !== ACK_STATUS.telemetry) return [];
      if (!batch) return ids;
      return (JSON.parse(text) as TelemetryBatchAnswer).stored.map((index) => ids[index]);
    },
  };
}

/** Per kind: each stored id (as {@link requestFor} names it) with the number of rows holding it. */
export async function storedIds(pg: Client): Promise<Record<Kind, Map<string, number>>> {
  const count = async (sql: string) => {
    const counts = new Map<string, number>();
    for (const row of (await pg.query(sql)).rows as { id: string }[])
      counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
    return counts;
  };
  return {
    pageview: await count(`SELECT substr(url, 26) AS id FROM pageviews`),
    audit: await count(`SELECT action AS id FROM audit_logs`),
    error: await count(
      `SELECT g.message AS id FROM error_events e JOIN error_groups g ON g.id = e.group_id`,
    ),
    click: await count(
      `SELECT substr(referrer_url, ${REFERRER.length + 1}) AS id FROM link_clicks`,
    ),
    telemetry: await count(
      `SELECT h.host || '|' || s.key || '|' || s.value AS id ` +
        `FROM telemetry_samples s JOIN telemetry_hosts h ON h.id = s.host_id`,
    ),
  };
}

/**
 * Per reporting host: the reports its counter says it received, and the reports stored (one
 * sample each). A report counted again on redelivery would make them differ.
 */
export async function reportCounts(
  pg: Client,
): Promise<{ host: string; counted: number; stored: number }[]> {
  const { rows } = await pg.query(
    `SELECT h.host, h.report_count AS counted, COUNT(s.id) AS stored ` +
      `FROM telemetry_hosts h LEFT JOIN telemetry_samples s ON s.host_id = h.id ` +
      `GROUP BY h.host, h.report_count`,
  );
  return (rows as { host: string; counted: string; stored: string }[])
    .map((row) => ({ host: row.host, counted: Number(row.counted), stored: Number(row.stored) }))
    .sort((x, y) => (x.host < y.host ? -1 : 1));
}
