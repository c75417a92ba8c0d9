import { Client } from 'pg';

/**
 * Every row of a table and all of its values as one text (bytea as UTF-8, hex and base64), for tests that
 * assert a secret appears in no encoding of what the database holds.
 */
export async function tableText(
  url: string,
  table: string
): Promise<{ rows: Record<string, unknown>[]; text: string }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    const text = rows
      .flatMap((r) =>
        Object.values(r).map((v) =>
          Buffer.isBuffer(v) ? `${v.toString('utf8')} ${v.toString('hex')} ${v.toString('base64')}` : String(v)
        )
      )
      .join('\n');
    return { rows, text };
  } finally {
    await c.end();
  }
}
