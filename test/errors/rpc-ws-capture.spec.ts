import type { TelemetryErrorsOptions } from '../../lib';
import { ErrorEventEntity, ErrorGroupEntity } from '../../receiver/storage/entities';
import { eventually } from '../support/eventually';
import { ADAPTERS, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { createProject, dataSourceOf, type TestProject } from '../tracking/tracking-fixtures';
import { createRpcApp, createWsApp, type RpcApp, type WsApp } from './rpc-ws-app.fixture';

let db: IsolatedDatabase;
let receiver: ReceiverApp;

beforeAll(async () => {
  db = await createIsolatedDatabase('sqlite');
  receiver = await createReceiverApp({ adapter: 'fastify', database: db.options });
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

const errorsFor = (project: TestProject): TelemetryErrorsOptions => ({
  receiverUrl: receiver.url,
  projectKey: project.secretKey,
  sendInterval: 1,
});

/** The project's groups once `message` is among them, with the events of that group. */
async function reported(project: TestProject, message: string) {
  const data = dataSourceOf(receiver.app);
  const groups = await eventually(
    () =>
      data
        .getRepository(ErrorGroupEntity)
        .find({ where: { project_id: project.id }, order: { id: 'ASC' } }),
    (all) => all.some((g) => g.message === message),
  );
  const group = groups.find((g) => g.message === message);
  expect(group).toBeDefined();
  const events = await data
    .getRepository(ErrorEventEntity)
    .find({ where: { group_id: group!.id } });
  return { groups, group: group!, events };
}

describe('error capture in a TCP microservice (@MessagePattern) → receiver', () => {
  let project: TestProject;
  let plain: RpcApp;
  let captured: RpcApp;

  beforeAll(async () => {
    project = await createProject(receiver.app);
    plain = await createRpcApp();
    captured = await createRpcApp(errorsFor(project));
  });
  afterAll(async () => {
    await captured?.close();
    await plain?.close();
  });

  it('the caller gets the same answers as from the service without capture', async () => {
    const calls: Array<[unknown, unknown]> = [
      ['orders.refuse', {}],
      [{ cmd: 'orders.find' }, { id: 1 }],
      ['orders.count', { n: 21 }],
    ];
    for (const [pattern, data] of calls) {
      expect(await captured.call(pattern, data)).toEqual(await plain.call(pattern, data));
    }
    expect(await captured.call('orders.count', { n: 21 })).toEqual({ ok: { count: 42 } });
    expect(await captured.call({ cmd: 'orders.find' }, { id: 1 })).toEqual({
      error: { status: 'error', message: 'Internal server error' },
    });
  });

  it("a handler's error becomes a group with its handler and pattern; an RpcException answer is not reported", async () => {
    const { groups, group, events } = await reported(project, 'rpc order lookup failed');
    expect(group).toMatchObject({ error_type: 'Error', severity: 'error' });
    expect(group.file).toMatch(/rpc-ws-app\.fixture\.ts$/);
    expect(events[0].context).toEqual({
      source: 'rpc',
      handler: 'OrdersRpc.find',
      pattern: '{"cmd":"orders.find"}',
    });
    // The RpcException was thrown first: had it been reported, it would have arrived first.
    expect(groups.map((g) => g.message)).toEqual(['rpc order lookup failed']);
  });
});

describe.each(ADAPTERS)('error capture in a WebSocket gateway on %s → receiver', (adapter) => {
  let project: TestProject;
  let plain: WsApp;
  let captured: WsApp;

  beforeAll(async () => {
    project = await createProject(receiver.app);
    plain = await createWsApp(adapter);
    captured = await createWsApp(adapter, errorsFor(project));
  });
  afterAll(async () => {
    await captured?.close();
    await plain?.close();
  });

  it('the client gets the same messages as from the gateway without capture', async () => {
    const messages: Array<[string, unknown]> = [
      ['orders:refuse', {}],
      ['orders:subscribe', { id: 1 }],
      ['ping', 1],
    ];
    for (const [event, data] of messages) {
      expect(await captured.exchange(event, data)).toEqual(await plain.exchange(event, data));
    }
    expect(await captured.exchange('ping', 1)).toEqual({ event: 'pong', data: 2 });
    expect(await captured.exchange('orders:subscribe', {})).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        message: 'Internal server error',
        cause: { pattern: 'orders:subscribe', data: {} },
      },
    });
  });

  it("a handler's error becomes a group with its handler and message; a WsException answer is not reported", async () => {
    const { groups, events } = await reported(project, 'ws subscribe failed');
    expect(events[0].context).toEqual({
      source: 'ws',
      handler: 'LiveGateway.subscribe',
      pattern: 'orders:subscribe',
    });
    expect(groups.map((g) => g.message)).toEqual(['ws subscribe failed']);
  });
});
