import type { ValueTransformer } from 'typeorm';

/**
 * PostgreSQL and MySQL hand BIGINT back as strings; ids are JSON integers on the wire, and
 * 2^53 rows is far beyond what one receiver stores.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

/**
 * JSON values are stored as TEXT holding `JSON.stringify` output on every engine: it keeps the
 * document exactly as sent (`{}` stays `{}`, key order kept), which native JSON types do not
 * promise (PostgreSQL `jsonb` reorders keys, MySQL `JSON` normalises).
 */
export const jsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value),
};

/** Like {@link jsonTransformer}, keeping SQL NULL apart from a stored JSON `null`. */
export const nullableJsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? value : JSON.stringify(value)),
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value),
};
