import { PrimaryGeneratedColumn } from 'typeorm';
import { bigintTransformer } from './column.transformers';

/**
 * Auto-increment BIGINT primary key read back as a JS number. TypeORM's typings omit
 * `transformer` on generated columns although the decorator honours it.
 */
export const BigIntPrimaryColumn = (): PropertyDecorator =>
  PrimaryGeneratedColumn({
    type: 'bigint',
    transformer: bigintTransformer,
  } as { type: 'bigint' });
