import type { Queryable } from '@permissions/store';

/**
 * The `listeners` table: base URLs of the processes that want broadcasts. A listener renews its row every heartbeat;
 * the GC removes rows not renewed for a while, so a crashed listener stops costing broadcasts.
 */

const REGISTER_SQL = `
  INSERT INTO listeners (url, renewed_at) VALUES ($1, clock_timestamp())
  ON CONFLICT (url) DO UPDATE SET renewed_at = excluded.renewed_at`;

export async function registerListener(db: Queryable, url: string): Promise<void> {
  await db.query(REGISTER_SQL, [url]);
}

const UNREGISTER_SQL = `DELETE FROM listeners WHERE url = $1`;

export async function unregisterListener(db: Queryable, url: string): Promise<void> {
  await db.query(UNREGISTER_SQL, [url]);
}

const LIST_SQL = `SELECT url FROM listeners ORDER BY url`;

export async function listListeners(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(LIST_SQL);
  return rows.map((row) => row.url);
}

// The cut-off is computed by the database so that the age is measured on the same clock that wrote renewed_at.
const DELETE_STALE_SQL = `
  DELETE FROM listeners WHERE renewed_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
  RETURNING url`;

/** Removes listeners not renewed within `ttlMs`; returns their URLs. */
export async function deleteStaleListeners(db: Queryable, ttlMs: number): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(DELETE_STALE_SQL, [ttlMs]);
  return rows.map((row) => row.url);
}
