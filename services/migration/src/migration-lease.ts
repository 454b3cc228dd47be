import type { Queryable } from '@permissions/store';

/** What the `migrations` row remembers of the last completed import of an org. */
export interface MigrationRecord {
  org?: string;
  /** role → team URL of the teams the import owns. */
  teams?: Record<string, string>;
  /** When the last completed import began reading the legacy system (ms since the epoch): the audit's start. */
  readAt?: number;
}

/**
 * The lease of reference §9.4, on the `migrations` table: one import of an org at a time. A lease is held by a
 * random owner id until it expires; the holder renews it while it works, so only a run that died loses it, and the
 * next run takes over. `finished_at` is when the org was last brought up to date (an import, or an audit check that
 * found nothing to do): the scheduler looks again only after it has aged.
 */
export function createMigrationLeases(pool: Queryable, leaseMs: number) {
  return {
    /** Takes the lease if free or expired: the stored record, or undefined when another run holds it. */
    async acquire(orgUrl: string, owner: string): Promise<{ record: MigrationRecord } | undefined> {
      const { rows } = await pool.query<{ data: MigrationRecord }>(
        `INSERT INTO migrations (org_url, lease_owner, lease_expires_at, started_at)
         VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond', clock_timestamp())
         ON CONFLICT (org_url) DO UPDATE
           SET lease_owner = EXCLUDED.lease_owner,
               lease_expires_at = EXCLUDED.lease_expires_at,
               started_at = EXCLUDED.started_at
           WHERE migrations.lease_owner IS NULL OR migrations.lease_expires_at < clock_timestamp()
         RETURNING data`,
        [orgUrl, owner, leaseMs],
      );
      return rows.length === 0 ? undefined : { record: rows[0].data };
    },

    /** Extends a held lease; false when it expired and another run took it. */
    async renew(orgUrl: string, owner: string): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE migrations SET lease_expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE org_url = $1 AND lease_owner = $2`,
        [orgUrl, owner, leaseMs],
      );
      return rowCount === 1;
    },

    /** Records a completed import and frees the lease. */
    async finish(orgUrl: string, owner: string, record: MigrationRecord): Promise<void> {
      await pool.query(
        `UPDATE migrations
         SET lease_owner = NULL, lease_expires_at = NULL, finished_at = clock_timestamp(), data = $3
         WHERE org_url = $1 AND lease_owner = $2`,
        [orgUrl, owner, JSON.stringify(record)],
      );
    },

    /** Frees the lease without recording anything; a row of an org never imported is removed. */
    async release(orgUrl: string, owner: string): Promise<void> {
      await pool.query(`DELETE FROM migrations WHERE org_url = $1 AND lease_owner = $2 AND finished_at IS NULL`, [
        orgUrl,
        owner,
      ]);
      await pool.query(
        `UPDATE migrations SET lease_owner = NULL, lease_expires_at = NULL WHERE org_url = $1 AND lease_owner = $2`,
        [orgUrl, owner],
      );
    },

    /** Marks a free org as up to date without an import (its audit showed no change). */
    async markChecked(orgUrl: string): Promise<void> {
      await pool.query(
        `UPDATE migrations SET finished_at = clock_timestamp() WHERE org_url = $1 AND lease_owner IS NULL`,
        [orgUrl],
      );
    },

    /** Completed orgs not brought up to date for `olderThanMs` and not being imported, oldest first. */
    async due(olderThanMs: number, limit: number): Promise<Array<{ orgUrl: string; record: MigrationRecord }>> {
      const { rows } = await pool.query<{ org_url: string; data: MigrationRecord }>(
        `SELECT org_url, data FROM migrations
         WHERE finished_at < clock_timestamp() - $1 * interval '1 millisecond'
           AND (lease_owner IS NULL OR lease_expires_at < clock_timestamp())
         ORDER BY finished_at
         LIMIT $2`,
        [olderThanMs, limit],
      );
      return rows.map((row) => ({ orgUrl: row.org_url, record: row.data }));
    },
  };
}

export type MigrationLeases = ReturnType<typeof createMigrationLeases>;
