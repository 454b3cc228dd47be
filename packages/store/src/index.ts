/**
 * The storage package: one Postgres schema for all services behind the `Store` interface. The embedded Postgres
 * launcher and the migration runner load ESM-only packages and are imported by path
 * ('@permissions/store/embedded'), so that importing this index never loads them.
 */
export type {
  EventAction,
  EventRecord,
  EventTopic,
  Seq,
  Store,
  StoreReader,
  StoreTx,
  StoredDocument,
  StoredTeam,
  DocumentUpdate,
  TeamUpdate,
  TeamVersion,
  WriteResult,
  AppendedWrite,
} from './types';
export { createPool, DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from './pool';
export type { Pool, PoolClient, PoolOptions, Queryable } from './pool';
export { createPgStore } from './pg-store';
export type { PgStoreOptions } from './pg-store';
export { withTransaction } from './transaction';
export { createMigrationLeases } from './migration-leases';
export type { MigrationLeases } from './migration-leases';
export { AppError, ConflictError, NotFoundError, PreconditionFailedError, UnavailableError } from '@permissions/model';
export { appended } from './write-result';
export { MAX_WRITE_ATTEMPTS } from './write-failures';
