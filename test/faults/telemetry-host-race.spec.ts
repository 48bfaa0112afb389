import { useReceiverApp } from '../support/receiver-app';
import { availableEngines } from '../support/services';
import { dataSourceOf } from '../tracking/tracking-fixtures';
import {
  admin,
  createProject,
  report,
  secretHeaders,
  type TestProject,
} from '../receiver/telemetry/telemetry-fixtures';

const at = (second: number) =>
  new Date(Date.UTC(2026, 10, 1, 0, 0, second)).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A telemetry report for a host that is deleted at the same moment (an admin's delete racing the
 * report, or another process still caching the host's id) used to fail its write on the foreign
 * key: a 500. The report is a sign of life: it re-creates the host, as the host's next report
 * would, and is stored — never a 500 (a Laravel reporter would drop the values on any non-2xx).
 */
describe.each(availableEngines())(
  'telemetry report for a host deleted meanwhile [%s]',
  (engine) => {
    const receiver = useReceiverApp({ adapter: 'fastify', engine });
    let project: TestProject;

    beforeAll(async () => {
      project = await createProject(receiver);
    });

    const send = (host: string, data: Record<string, unknown>, second: number) =>
      receiver.http.post('/api/telemetry', report(host, data, at(second)), secretHeaders(project));
    const samples = async (host: string) => {
      const [row] = await dataSourceOf(receiver.app).query(
        `SELECT COUNT(*) AS n FROM telemetry_samples s JOIN telemetry_hosts h ON h.id = s.host_id ` +
          `WHERE h.host = '${host}'`,
      );
      return Number(row.n);
    };

    it('stores a report whose host row was deleted behind the cache, re-creating the host', async () => {
      expect((await send('stale', { cpu: 1 }, 1)).status).toBe(200);
      // Deleted by another process: this one still caches the host's id.
      await dataSourceOf(receiver.app).query(`DELETE FROM telemetry_hosts WHERE host = 'stale'`);
      const res = await send('stale', { cpu: 2 }, 2);
      expect(res.status).toBe(200);
      expect(await samples('stale')).toBe(1);
      const hosts = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
      expect(hosts.body.data.hosts.map((h: { host: string }) => h.host)).toContain('stale');
    });

    it('never answers 500 when reports and deletes of the same host race', async () => {
      const statuses: number[] = [];
      const stored: number[] = [];
      for (let round = 0; round < 15; round++) {
        const host = `race-${round}`;
        expect((await send(host, { cpu: 0 }, 0)).status).toBe(200);
        const [reported, deleted] = await Promise.all([
          send(host, { cpu: round }, round + 10),
          receiver.http.delete(`/api/telemetry/hosts/${host}`, {
            ...admin,
            ...secretHeaders(project),
          }),
        ]);
        statuses.push(reported.status, deleted.status);
        if (reported.status >= 500 || deleted.status >= 500)
          console.log(reported.status, reported.text, deleted.status, deleted.text);
        if (reported.status === 200) stored.push(round);
      }
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(stored.length).toBeGreaterThan(0);
    });
  },
);
