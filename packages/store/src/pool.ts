import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool for reads, a checked-out client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PoolOptions {
  /** Connections at most; this is also the cap on concurrent queries (no separate semaphore). */
  max?: number;
  statementTimeoutMs?: number;
  /**
   * How long a transaction may sit idle. Together with the statement timeout it bounds how long a write can stay open,
   * which is what lets event listeners skip a sequence hole once it is older than that (CONTRACT §4.4).
   */
  idleInTransactionTimeoutMs?: number;
  applicationName?: string;
  /** Errors of idle connections (server restart, network); without a handler they would crash the process. */
  onError?: (error: Error) => void;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10000;

export function createPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // sent as startup parameters, so every connection of the pool has them from its first statement
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: options.applicationName ?? 'permissions',
  });
  pool.on('error', options.onError ?? (() => undefined));
  return pool;
}
