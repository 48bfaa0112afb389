import type { DataSource } from 'typeorm';
import { TelemetryHostEntity } from '../../receiver/storage/entities';
import type { ReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import type { TestProject } from '../tracking/tracking-fixtures';
import {
  bodiesOn,
  createRule,
  refuseInserts,
  rowCount,
  seedHost,
  sendError,
  sleep,
  useAlertsReceiver,
  waitForHooks,
} from './alert-fixtures';

// The database refuses the alert's own writes after the event that fired it has committed: the
// alert waits and goes out once the writes succeed again, exactly once.
describeEachEngine('alerts whose writes fail', (engine) => {
  const alerts = useAlertsReceiver(engine);
  const { hooks } = alerts;
  let receiver: ReceiverApp;
  let project: TestProject;
  let db: DataSource;

  beforeAll(() => {
    ({ receiver, project, db } = alerts);
    hooks.respond(() => ({ status: 200 }));
  });

  it('a new error group whose firing could not be written fires once the database accepts it', async () => {
    const rule = await createRule(receiver.http, project.id, hooks.url, 'firing-refused', {
      kind: 'new_error_group',
    });
    const restore = await refuseInserts(db, engine, 'alert_firings');
    await sendError(receiver.http, project.secretKey, { message: 'written while refused' });
    await sleep(2500);
    expect(await rowCount(db, 'error_groups', "message = 'written while refused'")).toBe(1);
    expect(await rowCount(db, 'alert_firings', `rule_id = ${rule.id}`)).toBe(0);
    expect(hooks.on('/firing-refused')).toHaveLength(0);
    await restore();
    await waitForHooks(hooks, 'firing-refused');
    await sleep(2500);
    expect(bodiesOn(hooks, 'firing-refused')).toEqual([
      expect.objectContaining({
        count: 1,
        firings: [
          expect.objectContaining({ title: 'New error group: Unknown: written while refused' }),
        ],
      }),
    ]);
    expect(await rowCount(db, 'alert_firings', `rule_id = ${rule.id}`)).toBe(1);
  });

  it('a firing whose delivery could not be written is delivered once the database accepts it', async () => {
    const rule = await createRule(receiver.http, project.id, hooks.url, 'delivery-refused', {
      kind: 'new_error_group',
    });
    const restore = await refuseInserts(db, engine, 'alert_deliveries');
    await sendError(receiver.http, project.secretKey, { message: 'delivery while refused' });
    await sleep(2500);
    expect(await rowCount(db, 'alert_firings', `rule_id = ${rule.id}`)).toBe(1);
    expect(hooks.on('/delivery-refused')).toHaveLength(0);
    await restore();
    await waitForHooks(hooks, 'delivery-refused');
    await sleep(2500);
    expect(bodiesOn(hooks, 'delivery-refused')).toEqual([
      expect.objectContaining({
        count: 1,
        firings: [
          expect.objectContaining({ title: 'New error group: Unknown: delivery while refused' }),
        ],
      }),
    ]);
    expect(await rowCount(db, 'alert_deliveries', `rule_id = ${rule.id}`)).toBe(1);
  });

  it('a stale host whose firing could not be written fires even if it reports again meanwhile', async () => {
    await seedHost(db, project.id, 'web-back', new Date(Date.now() - 20 * 60_000), [[20, 1]]);
    const restore = await refuseInserts(db, engine, 'alert_firings');
    const rule = await createRule(receiver.http, project.id, hooks.url, 'stale-refused', {
      kind: 'host_stale',
      conditions: { minutes: 10 },
    });
    await sleep(2500);
    expect(await rowCount(db, 'alert_firings', `rule_id = ${rule.id}`)).toBe(0);
    // The host is back before the database is: the silence the rule saw is over.
    await db
      .getRepository(TelemetryHostEntity)
      .update({ project_id: project.id, host: 'web-back' }, { last_seen: new Date() });
    await restore();
    await waitForHooks(hooks, 'stale-refused');
    await sleep(2500);
    const bodies = bodiesOn(hooks, 'stale-refused');
    expect(bodies.flatMap((b) => b.firings.map((f) => f.details.host))).toEqual(['web-back']);
    expect(await rowCount(db, 'alert_firings', `rule_id = ${rule.id}`)).toBe(1);
  });
});
