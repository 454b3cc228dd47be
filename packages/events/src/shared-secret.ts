import { randomBytes } from 'node:crypto';
import type { Queryable } from '@permissions/store';

const SHARED_SECRET_SQL = `
  WITH created AS (
    INSERT INTO service_secrets (name, value) VALUES ($1, $2)
    ON CONFLICT (name) DO NOTHING
    RETURNING value)
  SELECT value FROM created
  UNION ALL
  SELECT value FROM service_secrets WHERE name = $1
  LIMIT 1`;

/**
 * The events secret when EVENTS_SECRET is not configured: the first process to ask stores a random one in the
 * database, and every process on that database reads the same one, so broadcasts between them stay authenticated.
 */
export async function sharedEventsSecret(db: Queryable): Promise<string> {
  // A concurrent first insert that commits after this statement's snapshot is neither inserted again nor seen:
  // the next statement sees it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const { rows } = await db.query<{ value: string }>(SHARED_SECRET_SQL, ['events', randomBytes(32).toString('hex')]);
    if (rows.length > 0) return rows[0].value;
  }
  throw new Error('could not read or create the shared events secret');
}
