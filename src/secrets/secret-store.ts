import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { Pool } from 'pg';
import { createSchemaOnce, inTransaction } from '../postgres-schema';
import { ENCODING_ENCRYPTED, METADATA_KEY_ID, type EncryptionCodec } from '../codec/encryption-codec';
import { registerSecret } from './scrub';

/**
 * Credentials operators supply (`supply-credential` through the intake or the CLI), kept where every worker
 * reads them: PostgreSQL, the production stack's database. Workflows only ever carry `store:<name>`; the
 * worker resolves it when an activity needs the value (src/secrets/secret-ref.ts).
 *
 * At rest each value is sealed by Onramp's payload codec (src/codec: AES-256-GCM, the key ring of
 * ONRAMP_CODEC_KEYS, the key id stored beside the ciphertext), so no cryptography is written here and a
 * value sealed before a key rotation opens as long as its key stays in the ring. The name travels inside the
 * sealed payload and is checked on reading: a ciphertext copied onto another row does not open as that row.
 *
 * Every write and removal is recorded in `<prefix>_audit` (who, through what, for which order and
 * integration, the reference, when): never the value.
 */
export interface SecretAuditEntry {
  /** Who supplied it: the intake's authenticated caller, or the CLI's operator (`--actor` or the OS user). */
  actor: string;
  /** `intake` or `cli`. */
  via: string;
  orderId: string;
  integration: string;
}

export interface SecretAuditRow extends SecretAuditEntry {
  at: Date;
  /** `supplied`, or `removed` with the reason (a credential the workflow refused is not kept). */
  action: string;
  ref: string;
}

export interface SecretStore {
  /** Seal and store a new value under a fresh name for this order and integration; returns its `store:` reference. */
  supply(value: string, entry: SecretAuditEntry): Promise<string>;
  /**
   * Seal and store `value` under a name the caller chose (rotation state: src/secrets/rotation-state-store.ts).
   * `create` keeps a value already there (a retried attempt) and answers false; `replace` overwrites it.
   * Audited like `supply` (the reference and what happened, never the value). Returns true when written.
   */
  put(name: string, value: string, entry: SecretAuditEntry, mode: 'create' | 'replace'): Promise<boolean>;
  /** The value of `name`, or undefined when there is none. */
  read(name: string): Promise<string | undefined>;
  /** Remove a value written by `supply` (e.g. the workflow refused it), recording why. */
  remove(ref: string, entry: SecretAuditEntry, reason: string): Promise<void>;
  /** The audit trail of an order, oldest first. */
  audit(orderId: string): Promise<SecretAuditRow[]>;
  /**
   * Delete the rows of one customer (names starting with one of `rows.prefixes`, or equal to one of
   * `rows.names`), each with an audit row `removed: <reason>`; the names removed (none on a second call).
   */
  forget(rows: { prefixes: string[]; names: string[] }, by: RekeyActor, reason: string): Promise<string[]>;
  /** How many rows are sealed under each codec key id. */
  keyUsage(): Promise<Record<string, number>>;
  /** Re-seal every row under the current codec key (`onramp secrets rekey`). */
  rekey(by: RekeyActor, opts?: { batch?: number }): Promise<RekeyReport>;
  close(): Promise<void>;
}

/** Who runs a rekey, for the audit (each re-sealed row gets an audit row under its order's own columns). */
export interface RekeyActor {
  actor: string;
  via: string;
}

export interface RekeyReport {
  /** The key every re-sealed row is sealed with now. */
  currentKeyId: string;
  /** Rows re-sealed by this run. */
  rekeyed: number;
  /** Rows a writer replaced while this run was at them (already sealed with the current key by that writer). */
  changedMeanwhile: number;
  /** Rows that did not open (their key is missing from the ring, or the row was tampered with), by name. */
  failed: { name: string; keyId: string; reason: string }[];
  /** Rows per key id after the run: a key with no row left can be removed from the ring, as far as the store goes. */
  usage: Record<string, number>;
}

export class SecretStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/** Inside the sealed payload: the row's name, so a ciphertext moved to another name does not open. */
const METADATA_SECRET_NAME = 'onramp-secret-name';
const utf8 = (s: string) => new TextEncoder().encode(s);

export const STORE_PREFIX = 'store:';

/** A fresh, unguessable-enough, readable name: `<orderId>/<integration>/<8 hex>` (never reused). */
export function secretName(orderId: string, integration: string): string {
  return `${orderId}/${integration}/${randomBytes(4).toString('hex')}`;
}

export class PostgresSecretStore implements SecretStore {
  private readonly pool: Pool;
  private ready?: Promise<void>;
  private readonly t: { secrets: string; audit: string };

  constructor(
    connectionString: string,
    /** The payload codec that seals values; without it the store only reads its audit (`onramp secrets audit`). */
    private readonly codec: EncryptionCodec | undefined,
    opts: { tablePrefix?: string; poolSize?: number } = {}
  ) {
    const prefix = opts.tablePrefix ?? 'onramp_secret';
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
      throw new Error(`secret table prefix "${prefix}" is not a plain SQL name`);
    this.t = { secrets: `${prefix}s`, audit: `${prefix}_audit` };
    // allowExitOnIdle: an idle pool never keeps a stopping process alive.
    this.pool = new Pool({ connectionString, max: opts.poolSize ?? 4, allowExitOnIdle: true });
    // A broken idle connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Create the tables if they do not exist (every method does it on first use). */
  init(): Promise<void> {
    return this.schema();
  }

  /** Tables, created once per database (idempotent, serialised across processes by an advisory lock). */
  private schema(): Promise<void> {
    const { secrets, audit } = this.t;
    this.ready ??= createSchemaOnce(
      this.pool,
      `${secrets}:schema`,
      `
          CREATE TABLE IF NOT EXISTS ${secrets} (
            name text PRIMARY KEY,
            key_id text NOT NULL,
            sealed bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
          );
          CREATE TABLE IF NOT EXISTS ${audit} (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            actor text NOT NULL,
            via text NOT NULL,
            order_id text NOT NULL,
            integration text NOT NULL,
            ref text NOT NULL,
            action text NOT NULL
          );
          CREATE INDEX IF NOT EXISTS ${audit}_order ON ${audit} (order_id, id);
        `
    ).catch((err: unknown) => {
      this.ready = undefined; // the next call tries again
      throw err;
    });
    return this.ready;
  }

  async supply(value: string, entry: SecretAuditEntry): Promise<string> {
    const name = secretName(entry.orderId, entry.integration);
    await this.write(name, value, entry, 'INSERT', 'supplied');
    return `${STORE_PREFIX}${name}`;
  }

  async put(name: string, value: string, entry: SecretAuditEntry, mode: 'create' | 'replace'): Promise<boolean> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(name))
      throw new SecretStoreError(`secret name "${name}" is not a store: reference name`);
    return this.write(
      name,
      value,
      entry,
      mode === 'create' ? 'CREATE' : 'REPLACE',
      mode === 'create' ? 'created' : 'written'
    );
  }

  /** Seal and write one row and its audit row in one transaction; false when `CREATE` found the name taken. */
  private async write(
    name: string,
    value: string,
    entry: SecretAuditEntry,
    how: 'INSERT' | 'CREATE' | 'REPLACE',
    action: string
  ): Promise<boolean> {
    if (!value) throw new SecretStoreError('the secret is empty');
    registerSecret(value);
    await this.schema();
    const { keyId, sealed } = await this.seal(name, value);
    const conflict = {
      INSERT: '',
      CREATE: 'ON CONFLICT (name) DO NOTHING',
      REPLACE:
        'ON CONFLICT (name) DO UPDATE SET key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed, created_at = now()',
    }[how];
    // The value and its audit row together, or neither.
    return inTransaction(this.pool, async (c) => {
      const r = await c.query(
        `INSERT INTO ${this.t.secrets} (name, key_id, sealed) VALUES ($1, $2, $3) ${conflict} RETURNING name`,
        [name, keyId, sealed]
      );
      if (r.rowCount) await this.record(c, entry, `${STORE_PREFIX}${name}`, action);
      return !!r.rowCount;
    });
  }

  async read(name: string): Promise<string | undefined> {
    await this.schema();
    const r = await this.pool.query<{ key_id: string; sealed: Buffer }>(
      `SELECT key_id, sealed FROM ${this.t.secrets} WHERE name = $1`,
      [name]
    );
    const row = r.rows[0];
    return row ? this.open(name, row) : undefined;
  }

  async forget(rows: { prefixes: string[]; names: string[] }, by: RekeyActor, reason: string): Promise<string[]> {
    await this.schema();
    if (rows.prefixes.some((p) => !p.endsWith('/')))
      throw new SecretStoreError(
        'forget: each prefix must end with "/" (a whole order or customer, never a partial name)'
      );
    return inTransaction(this.pool, async (c) => {
      const r = await c.query<{ name: string }>(
        `DELETE FROM ${this.t.secrets} WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS p(prefix) WHERE starts_with(name, p.prefix)) OR name = ANY($2::text[]) RETURNING name`,
        [rows.prefixes, rows.names]
      );
      const removed = r.rows.map((x) => x.name).sort();
      for (const name of removed) {
        const ref = `${STORE_PREFIX}${name}`;
        const [orderId, integration] = await this.auditColumnsOf(c, ref, name);
        await this.record(c, { ...by, orderId, integration }, ref, `removed: ${reason}`);
      }
      return removed;
    });
  }

  /** The order and integration a row's audit rows are filed under (its latest), else from its name. */
  private async auditColumnsOf(c: { query: Pool['query'] }, ref: string, name: string): Promise<[string, string]> {
    const last = await c.query<{ order_id: string; integration: string }>(
      `SELECT order_id, integration FROM ${this.t.audit} WHERE ref = $1 ORDER BY id DESC LIMIT 1`,
      [ref]
    );
    if (last.rows[0]) return [last.rows[0].order_id, last.rows[0].integration];
    const [orderId, integration] = name.split('/');
    return [orderId ?? name, integration ?? '-'];
  }

  async keyUsage(): Promise<Record<string, number>> {
    await this.schema();
    const r = await this.pool.query<{ key_id: string; n: string }>(
      `SELECT key_id, count(*) AS n FROM ${this.t.secrets} GROUP BY key_id ORDER BY key_id`
    );
    return Object.fromEntries(r.rows.map((x) => [x.key_id, Number(x.n)]));
  }

  /**
   * Re-seal every row that is not under the codec's current key with it, so an older key can leave the ring
   * (issue 25). Row by row, each in its own transaction together with its audit row (`rekeyed <old> -> <new>`,
   * under the order and integration of the row's latest audit row, so `onramp secrets audit` shows it):
   * - resumable: a run stopped half-way leaves each row wholly old or wholly new; the next run does the rest;
   * - idempotent: a row already under the current key is not touched (a second run re-seals nothing);
   * - safe beside writers: the update only applies while the row still holds the bytes that were opened, so a
   *   value replaced meanwhile (sealed with the current key by its writer) is left as written.
   * A row that does not open is reported, not changed, and the run goes on.
   */
  async rekey(by: RekeyActor, opts: { batch?: number } = {}): Promise<RekeyReport> {
    await this.schema();
    const current = this.sealer().currentKeyId;
    const report: RekeyReport = { currentKeyId: current, rekeyed: 0, changedMeanwhile: 0, failed: [], usage: {} };
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<{ name: string; key_id: string; sealed: Buffer }>(
        `SELECT name, key_id, sealed FROM ${this.t.secrets} WHERE key_id <> $1 AND name > $2 ORDER BY name LIMIT $3`,
        [current, after, opts.batch ?? 100]
      );
      if (!rows.length) break;
      for (const row of rows) {
        after = row.name;
        let value: string;
        try {
          value = await this.open(row.name, row);
        } catch (err) {
          report.failed.push({ name: row.name, keyId: row.key_id, reason: (err as Error).message });
          continue;
        }
        const { keyId, sealed } = await this.seal(row.name, value);
        const done = await inTransaction(this.pool, async (c) => {
          const u = await c.query(
            `UPDATE ${this.t.secrets} SET key_id = $2, sealed = $3 WHERE name = $1 AND key_id = $4 AND sealed = $5`,
            [row.name, keyId, sealed, row.key_id, row.sealed]
          );
          if (!u.rowCount) return false;
          const ref = `${STORE_PREFIX}${row.name}`;
          const [orderId, integration] = await this.auditColumnsOf(c, ref, row.name);
          await this.record(c, { ...by, orderId, integration }, ref, `rekeyed ${row.key_id} -> ${keyId}`);
          return true;
        });
        if (done) report.rekeyed++;
        else report.changedMeanwhile++;
      }
    }
    report.usage = await this.keyUsage();
    return report;
  }

  async remove(ref: string, entry: SecretAuditEntry, reason: string): Promise<void> {
    await this.schema();
    const name = ref.startsWith(STORE_PREFIX) ? ref.slice(STORE_PREFIX.length) : ref;
    await inTransaction(this.pool, async (c) => {
      await c.query(`DELETE FROM ${this.t.secrets} WHERE name = $1`, [name]);
      await this.record(c, entry, `${STORE_PREFIX}${name}`, `removed: ${reason}`);
    });
  }

  async audit(orderId: string): Promise<SecretAuditRow[]> {
    await this.schema();
    const r = await this.pool.query<{
      at: Date;
      actor: string;
      via: string;
      order_id: string;
      integration: string;
      ref: string;
      action: string;
    }>(
      `SELECT at, actor, via, order_id, integration, ref, action FROM ${this.t.audit} WHERE order_id = $1 ORDER BY id`,
      [orderId]
    );
    return r.rows.map((x) => ({
      at: x.at,
      actor: x.actor,
      via: x.via,
      orderId: x.order_id,
      integration: x.integration,
      ref: x.ref,
      action: x.action,
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Seal `value` for row `name` (the name inside, so the ciphertext opens only as that row). */
  private async seal(name: string, value: string): Promise<{ keyId: string; sealed: Buffer }> {
    const payload: Payload = {
      metadata: { [METADATA_ENCODING_KEY]: utf8('binary/plain'), [METADATA_SECRET_NAME]: utf8(name) },
      data: utf8(value),
    };
    const [sealed] = await this.sealer().encode([payload]);
    return {
      keyId: Buffer.from(sealed!.metadata![METADATA_KEY_ID]!).toString('utf8'),
      sealed: Buffer.from(sealed!.data!),
    };
  }

  /** Open a row's sealed value, checking it was sealed for this name. */
  private async open(name: string, row: { key_id: string; sealed: Buffer }): Promise<string> {
    const [plain] = await this.sealer().decode([
      {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED), [METADATA_KEY_ID]: utf8(row.key_id) },
        data: new Uint8Array(row.sealed),
      },
    ]);
    const sealedName = plain?.metadata?.[METADATA_SECRET_NAME];
    if (!sealedName || Buffer.from(sealedName).toString('utf8') !== name) {
      throw new SecretStoreError(
        `secret store row ${name} holds a value sealed for another name: it was tampered with`
      );
    }
    const value = Buffer.from(plain.data ?? new Uint8Array()).toString('utf8');
    registerSecret(value);
    return value;
  }

  private sealer(): EncryptionCodec {
    if (!this.codec) throw new SecretStoreError('this secret store was opened without the key ring (audit only)');
    return this.codec;
  }

  private async record(
    c: { query: Pool['query'] },
    entry: SecretAuditEntry,
    ref: string,
    action: string
  ): Promise<void> {
    await c.query(
      `INSERT INTO ${this.t.audit} (actor, via, order_id, integration, ref, action) VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.actor, entry.via, entry.orderId, entry.integration, ref, action]
    );
  }
}

/**
 * The store `store:` references resolve through in this process (the worker sets it at start). One per
 * process, like the log scrubber: every activity that resolves a reference goes through src/secrets/secret-ref.ts.
 */
let current: SecretStore | undefined;

export function useSecretStore(store: SecretStore | undefined): void {
  current = store;
}

export function secretStore(): SecretStore | undefined {
  return current;
}
