/**
 * Whether an error means "the database cannot take work right now" (down, unreachable, hung, disk
 * full, locked by another process) rather than "this statement is wrong". Callers answer the first
 * kind with 503 and `Retry-After` and report it as an outage; the second stays a per-request
 * failure. Driver codes, per engine:
 * - SQLite (better-sqlite3 `SqliteError.code`): full disk, I/O errors, locks held elsewhere,
 *   a read-only or unopenable file;
 * - PostgreSQL (SQLSTATE): class 08 (connection), 53 (insufficient resources, e.g. disk full),
 *   57P01–57P03 (shutting down, cannot connect now), 58 (system error);
 * - MySQL/MariaDB (`code`/`errno`): lost or refused connections, server shutdown, full table/disk;
 * - Node sockets and pools: refused, reset, timed out, terminated.
 */
export function isStorageFault(error: unknown): boolean {
  for (const candidate of causes(error)) {
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string' && storageFaultCode(code)) return true;
    const errno = (candidate as { errno?: unknown }).errno;
    if (typeof errno === 'number' && MYSQL_FAULT_ERRNOS.has(errno)) return true;
    const message = (candidate as { message?: unknown }).message;
    if (typeof message === 'string' && FAULT_MESSAGES.some((pattern) => pattern.test(message))) {
      return true;
    }
  }
  return false;
}

/** The driver's code of a storage error, for the one log line of an outage (`SQLITE_FULL`…). */
export function storageFaultCode(code: string): boolean {
  if (SQLITE_FAULT_CODE.test(code)) return true;
  if (/^(08|53|58)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  return NODE_FAULT_CODES.has(code);
}

const SQLITE_FAULT_CODE =
  /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM)/;

const NODE_FAULT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_RECORD_FILE_FULL',
  'ER_DISK_FULL',
  'STORAGE_TIMEOUT',
  // mysql2's query timeout (`maxQueryExecutionTime`).
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** 1021 disk full, 1040 too many connections, 1053 shutdown, 1114 table full, 2002/2003/2006/2013 client lost the server. */
const MYSQL_FAULT_ERRNOS = new Set([1021, 1040, 1053, 1114, 2002, 2003, 2006, 2013]);

const FAULT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Cannot enqueue .* after fatal error/i,
  /connect ECONNREFUSED/i,
  // pg's client-side `query_timeout`, and a pooled connection not freed in time.
  /Query read timeout/i,
  /Connection terminated due to connection timeout/i,
];

/**
 * Runs `work` again (up to {@link LOCK_CONFLICT_RETRIES} times) while it loses a lock conflict: a
 * deadlock the engine broke by rolling this side back, or a lock wait that timed out. For work
 * that is safe to repeat as a whole (its transaction was rolled back); any other failure, and the
 * last lost conflict, is thrown.
 */
export async function retryLockConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await work();
    } catch (error) {
      if (retry >= LOCK_CONFLICT_RETRIES || !isLockConflict(error)) throw error;
    }
  }
}

/** Times work that lost a lock conflict is run again before the conflict is its failure. */
const LOCK_CONFLICT_RETRIES = 3;

/**
 * Whether an error means "this transaction lost a lock conflict" (the engine broke a deadlock by
 * aborting it, or gave up waiting for a row lock): nothing is wrong with its data or with the
 * database, and the same transaction run again succeeds. Concurrent ingest batches lock their
 * rows in key order, so this is rare, but not impossible (MariaDB's shared locks on duplicate
 * keys, gap locks). PostgreSQL: 40P01 deadlock, 40001 serialization failure, 55P03 lock not
 * available; MySQL/MariaDB: 1213 deadlock, 1205 lock wait timeout.
 */
export function isLockConflict(error: unknown): boolean {
  return causes(error).some((candidate) => {
    const { code, errno } = candidate as { code?: unknown; errno?: unknown };
    return (
      (typeof code === 'string' && LOCK_CONFLICT_CODES.has(code)) ||
      errno === 1213 ||
      errno === 1205
    );
  });
}

const LOCK_CONFLICT_CODES = new Set([
  '40P01',
  '40001',
  '55P03',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/** The error and its causes (TypeORM's `driverError`, a wrapper's `cause`), outermost first. */
function causes(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 5 && !chain.includes(current)) {
    chain.push(current);
    const next =
      (current as { driverError?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
    current = next;
  }
  return chain;
}

/**
 * Whether the database refused a value as such (PostgreSQL's class 22 "data exception": an id
 * beyond the column's range, text it cannot encode; MySQL's out-of-range and bad-string errors).
 * Validation keeps these out; whatever slips through is the client's input, a 400, not a 500.
 */
export function isInvalidValueFault(error: unknown): boolean {
  for (const candidate of causes(error)) {
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
    const errno = (candidate as { errno?: unknown }).errno;
    if (typeof errno === 'number' && MYSQL_VALUE_ERRNOS.has(errno)) return true;
  }
  return false;
}

/** 1264 out of range, 1292 truncated wrong value, 1366 incorrect string value, 1406 too long. */
const MYSQL_VALUE_ERRNOS = new Set([1264, 1292, 1366, 1406]);
