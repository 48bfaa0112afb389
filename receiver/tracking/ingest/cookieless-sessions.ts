import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { IngestBatchContext } from '../../ingest';
import { SessionEntity } from '../../storage/entities';
import { SqlRunner } from '../../storage/sql/sql-runner';
import type { PageviewJob } from '../interfaces/tracking-jobs.interface';
import { COOKIELESS_SESSION_TIMEOUT_MS } from '../tracking.constants';
import { unique } from './dimension.resolver';
import { visitorKey } from './visitor-session.writer';

/**
 * Sessions of cookieless pageviews, which carry no session token: a pageview continues its
 * visitor's latest session when that session was active less than 30 minutes before the
 * pageview arrived, and starts a new one otherwise. The token of a new session is derived from
 * the visitor and the arrival time, so a retried batch finds the same one.
 */
@Injectable()
export class CookielessSessions {
  /** Fills `sessionToken` of the cookieless jobs of a batch (visitors already resolved). */
  async assign(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<void> {
    const pending = jobs
      .filter((job) => job.cookieless && job.sessionToken === '')
      .sort((a, b) => a.receivedAt - b.receivedAt);
    if (pending.length === 0) return;
    const latest = await this.latestSessions(pending, visitors, context);
    for (const job of pending) {
      const visitorId = visitors.get(visitorKey(job)) as number;
      const current = latest.get(visitorId);
      if (current && job.receivedAt - current.at <= COOKIELESS_SESSION_TIMEOUT_MS) {
        job.sessionToken = current.token;
        current.at = Math.max(current.at, job.receivedAt);
      } else {
        const token = createHash('sha256')
          .update(`${job.visitorHash}|${job.receivedAt}`)
          .digest('hex');
        job.sessionToken = token;
        latest.set(visitorId, { token, at: job.receivedAt });
      }
    }
  }

  /** Per visitor, the session with the latest activity inside the timeout before the batch. */
  private async latestSessions(
    jobs: PageviewJob[],
    visitors: Map<string, number>,
    context: IngestBatchContext,
  ): Promise<Map<number, { token: string; at: number }>> {
    const sql = new SqlRunner(context.manager);
    const visitorIds = unique(jobs.map((job) => visitors.get(visitorKey(job)) as number));
    const since = new Date(jobs[0].receivedAt - COOKIELESS_SESSION_TIMEOUT_MS);
    const rows = await sql.rows<{
      visitor_id: number | string;
      session_token: string;
      last_activity: unknown;
    }>(
      (p) =>
        `SELECT visitor_id, session_token, last_activity FROM ${sql.table(SessionEntity)} ` +
        `WHERE visitor_id IN (${p.list(visitorIds)}) ` +
        `AND last_activity >= ${p.add(sql.value(SessionEntity, 'last_activity', since))}`,
    );
    const latest = new Map<number, { token: string; at: number }>();
    for (const row of rows) {
      const at = (sql.hydrate(SessionEntity, 'last_activity', row.last_activity) as Date).getTime();
      const visitorId = Number(row.visitor_id);
      const known = latest.get(visitorId);
      if (!known || at > known.at) latest.set(visitorId, { token: row.session_token, at });
    }
    return latest;
  }
}
