// @ts-nocheck
import type { Pool } from 'pg';

/**
 * Run idempotent DDL (CREATE … IF NOT EXISTS) in one transaction, serialised across processes by a
 * transaction-scoped advisory lock on `lockName`: several workers starting at once create the schema once.
 */
export async function createSchemaOnce(pool: Pool, lockName: string, ddl: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('${lockName}'))`);
    await c.query(ddl);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
