import type { Queryable } from './pool';

// The lease of reference §9.4 on the `migrations` table: one import of an org at a time. Each statement is one
// index lookup: by the primary key (org_url), or, for the scheduler's round, by migrations_due_idx (with the stable
// statement_timestamp(): a volatile clock_timestamp() cannot be an index condition).

export const ACQUIRE_LEASE_SQL = `
  INSERT INTO migrations (org_url, lease_owner, lease_expires_at, started_at)
  VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond', clock_timestamp())
  ON CONFLICT (org_url) DO UPDATE
    SET lease_owner = EXCLUDED.lease_owner,
        lease_expires_at = EXCLUDED.lease_expires_at,
        started_at = EXCLUDED.started_at
    WHERE migrations.lease_owner IS NULL OR migrations.lease_expires_at < clock_timestamp()
  RETURNING data`;

export const RENEW_LEASE_SQL = `
  UPDATE migrations SET lease_expires_at = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE org_url = $1 AND lease_owner = $2`;

export const FINISH_LEASE_SQL = `
  UPDATE migrations
  SET lease_owner = NULL, lease_expires_at = NULL, finished_at = clock_timestamp(), data = $3
  WHERE org_url = $1 AND lease_owner = $2`;

export const DROP_UNFINISHED_LEASE_SQL = `
  DELETE FROM migrations WHERE org_url = $1 AND lease_owner = $2 AND finished_at IS NULL`;

export const RELEASE_LEASE_SQL = `
  UPDATE migrations SET lease_owner = NULL, lease_expires_at = NULL WHERE org_url = $1 AND lease_owner = $2`;

export const MARK_CHECKED_SQL = `
  UPDATE migrations SET finished_at = clock_timestamp() WHERE org_url = $1 AND lease_owner IS NULL`;

export const DUE_MIGRATIONS_SQL = `
  SELECT org_url, data FROM migrations
  WHERE finished_at < statement_timestamp() - $1 * interval '1 millisecond'
    AND (lease_owner IS NULL OR lease_expires_at < statement_timestamp())
  ORDER BY finished_at
  LIMIT $2`;

/**
 * Leases over the `migrations` table, whose `data` is the record `R` of the last completed import of an org. A
 * lease is held by a random owner id until it expires; the holder renews it while it works, so only a run that died
 * loses it, and the next run takes over. `finished_at` is when the org was last brought up to date.
 */
export function createMigrationLeases<R extends object>(db: Queryable, leaseMs: number) {
  return {
    /** Takes the lease if free or expired: the stored record, or undefined when another run holds it. */
    async acquire(orgUrl: string, owner: string): Promise<{ record: R } | undefined> {
      const { rows } = await db.query<{ data: R }>(ACQUIRE_LEASE_SQL, [orgUrl, owner, leaseMs]);
      return rows.length === 0 ? undefined : { record: rows[0].data };
    },

    /** Extends a held lease; false when it expired and another run took it. */
    async renew(orgUrl: string, owner: string): Promise<boolean> {
      const { rowCount } = await db.query(RENEW_LEASE_SQL, [orgUrl, owner, leaseMs]);
      return rowCount === 1;
    },

    /** Records a completed import and frees the lease. */
    async finish(orgUrl: string, owner: string, record: R): Promise<void> {
      await db.query(FINISH_LEASE_SQL, [orgUrl, owner, JSON.stringify(record)]);
    },

    /** Frees the lease without recording anything; a row of an org never imported is removed. */
    async release(orgUrl: string, owner: string): Promise<void> {
      await db.query(DROP_UNFINISHED_LEASE_SQL, [orgUrl, owner]);
      await db.query(RELEASE_LEASE_SQL, [orgUrl, owner]);
    },

    /** Marks a free org as up to date without an import (its audit showed no change). */
    async markChecked(orgUrl: string): Promise<void> {
      await db.query(MARK_CHECKED_SQL, [orgUrl]);
    },

    /** Completed orgs not brought up to date for `olderThanMs` and not being imported, oldest first. */
    async due(olderThanMs: number, limit: number): Promise<Array<{ orgUrl: string; record: R }>> {
      const { rows } = await db.query<{ org_url: string; data: R }>(DUE_MIGRATIONS_SQL, [olderThanMs, limit]);
      return rows.map((row) => ({ orgUrl: row.org_url, record: row.data }));
    },
  };
}

export type MigrationLeases<R extends object> = ReturnType<typeof createMigrationLeases<R>>;
