export const StorageMessages = {
  connectionNotFound: (name: string): string =>
    `ReceiverModule: no TypeORM connection named "${name}" is registered. Register it with ` +
    `TypeOrmModule.forRoot({ name: '${name}', entities: RECEIVER_ENTITIES, migrations: RECEIVER_MIGRATIONS, ... })`,
  migrated: (count: number): string => `Applied ${count} receiver migration(s)`,
} as const;
