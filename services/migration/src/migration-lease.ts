import {
  createMigrationLeases as createLeases,
  type MigrationLeases as Leases,
  type Queryable,
} from '@permissions/store';

/** What the `migrations` row remembers of the last completed import of an org. */
export interface MigrationRecord {
  org?: string;
  /** role → team URL of the teams the import owns. */
  teams?: Record<string, string>;
  /** When the last completed import began reading the legacy system (ms since the epoch): the audit's start. */
  readAt?: number;
}

/** The store's lease of reference §9.4 over the `migrations` table, holding this service's records. */
export function createMigrationLeases(pool: Queryable, leaseMs: number): MigrationLeases {
  return createLeases<MigrationRecord>(pool, leaseMs);
}

export type MigrationLeases = Leases<MigrationRecord>;
