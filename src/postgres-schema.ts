import type { Pool, PoolClient } from 'pg';

/**
 * Run `fn` on one connection inside BEGIN … COMMIT: everything it writes lands together, or (it throws)
 * nothing does. The connection goes back to the pool either way.
 */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/**
 * Run idempotent DDL (CREATE … IF NOT EXISTS) in one transaction, serialised across processes by a
 * transaction-scoped advisory lock on `lockName`: several workers starting at once create the schema once.
 */
export async function createSchemaOnce(pool: Pool, lockName: string, ddl: string): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('${lockName}'))`);
    await c.query(ddl);
  });
}

/**
 * The record of e-mails the SMTP server accepted (src/activities/notify/sent-mail.ts): one row per Message-ID,
 * written right after the server's 250 and read before every send. No body, no secret: what was sent to whom.
 */
export function sentMailDdl(table: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${table} (
      message_id text PRIMARY KEY,
      workflow_id text NOT NULL,
      kind text NOT NULL,
      recipient text NOT NULL,
      accepted_at timestamptz NOT NULL,
      smtp_response text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${table}_workflow ON ${table} (workflow_id);
  `;
}
