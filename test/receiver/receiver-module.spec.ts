import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  RECEIVER_ENTITIES,
  RECEIVER_MIGRATIONS,
  RECEIVER_MIGRATIONS_TABLE,
  ProjectsService,
  ReceiverModule,
} from '../../receiver';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { TEST_ADMIN_KEY, TEST_IP_SALT, TestHttp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';

async function listen(module: object) {
  const app = await NestFactory.create(module as never, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, http: new TestHttp(`http://127.0.0.1:${port}`) };
}

describe('ReceiverModule definition', () => {
  let database: IsolatedDatabase;

  beforeEach(async () => {
    database = await createIsolatedDatabase('sqlite');
  });
  afterEach(() => database.drop());

  it('keeps its internals out of the host application and exports its public services', async () => {
    const receiver = ReceiverModule.forRoot({
      database: database.options,
      adminKey: TEST_ADMIN_KEY,
      ipHashSalt: TEST_IP_SALT,
    });
    // A sibling module asking for the receiver's data source: not visible to it.
    @Injectable()
    class Snooper {
      constructor(@Inject(RECEIVER_DATA_SOURCE) readonly dataSource: unknown) {}
    }
    @Module({ providers: [Snooper] })
    class SnoopingModule {}
    @Module({ imports: [receiver, SnoopingModule] })
    class LeakyApp {}
    await expect(
      NestFactory.create(LeakyApp as never, new FastifyAdapter(), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(/RECEIVER_DATA_SOURCE/);

    // The module importing ReceiverModule may inject what it exports.
    @Injectable()
    class Admin {
      constructor(readonly projects: ProjectsService) {}
    }
    @Module({ imports: [receiver], providers: [Admin] })
    class AdminApp {}
    const { app } = await listen(AdminApp);
    try {
      const project = await app.get(Admin).projects.create({
        name: 'Shop',
        domains: ['shop.example.com'],
        settings: {},
      });
      expect(project.name).toBe('Shop');
    } finally {
      await app.close();
    }
  });

  it('forRootAsync takes options from a factory and mounts routes under a custom prefix', async () => {
    @Module({
      imports: [
        ReceiverModule.forRootAsync({
          routePrefix: 'telemetry-server',
          useFactory: async () => ({
            database: database.options,
            adminKey: TEST_ADMIN_KEY,
            ipHashSalt: TEST_IP_SALT,
          }),
        }),
      ],
    })
    class AsyncModule {}
    const { app, http } = await listen(AsyncModule);
    try {
      const res = await http.get('/telemetry-server/projects/list.php', {
        'X-Admin-Key': TEST_ADMIN_KEY,
      });
      expect(res.status).toBe(200);
      expect((await http.get('/telemetry-server/health')).status).toBe(200);
      expect((await http.get('/api/health')).status).toBe(404);
      expect((await http.get('/telemetry-server/projects/create.php')).status).toBe(405);
    } finally {
      await app.close();
    }
  });

  it('uses an existing TypeORM connection given by name and migrates it', async () => {
    @Module({
      imports: [
        TypeOrmModule.forRoot({
          name: 'analytics',
          ...database.options,
          entities: RECEIVER_ENTITIES,
          migrations: RECEIVER_MIGRATIONS,
          migrationsTableName: RECEIVER_MIGRATIONS_TABLE,
        }),
        ReceiverModule.forRoot({
          database: 'analytics',
          adminKey: TEST_ADMIN_KEY,
          ipHashSalt: TEST_IP_SALT,
        }),
      ],
    })
    class SharedConnectionModule {}
    const { app, http } = await listen(SharedConnectionModule);
    try {
      const created = await http.post(
        '/api/projects/create',
        { name: 'shared', allowed_domains: ['a.com'] },
        { 'X-Admin-Key': TEST_ADMIN_KEY },
      );
      expect(created.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses to start without an admin key, saying how to generate one', async () => {
    @Module({ imports: [ReceiverModule.forRoot({ database: database.options, ipHashSalt: 's' })] })
    class NoKeyModule {}
    const saved = process.env.RECEIVER_ADMIN_KEY;
    delete process.env.RECEIVER_ADMIN_KEY;
    try {
      await expect(
        NestFactory.create(NoKeyModule, new FastifyAdapter(), {
          logger: false,
          abortOnError: false,
        }),
      ).rejects.toThrow(/openssl rand -hex 32/);
    } finally {
      if (saved !== undefined) process.env.RECEIVER_ADMIN_KEY = saved;
    }
  });
});
