import type { Pool, PoolClient } from './pool';

/**
 * Runs `fn` on one connection inside BEGIN … COMMIT. If anything throws, the transaction is rolled back and the error
 * rethrown. A connection whose rollback failed is destroyed rather than returned to the pool in an unknown state.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
