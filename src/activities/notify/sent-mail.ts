import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createSchemaOnce, sentMailDdl } from '../../postgres-schema';
import { replaceFile } from '../../secrets/replace-file';

/** What the SMTP server accepted for one Message-ID: no body, no secret. */
export interface SentMail {
  messageId: string;
  workflowId: string;
  /** `instruction`, `reminder-1`, `result`… with the step and the recipient's role. */
  kind: string;
  recipient: string;
  acceptedAt: string;
  /** The server's answer (`250 2.0.0 Ok: queued as …`). */
  smtpResponse: string;
}

/**
 * The durable record that makes e-mail "once" across retries and worker crashes: read before sending,
 * written right after the server accepts. SMTP itself has no idempotency, so the window between the
 * server's acceptance and this write is where a duplicate can still happen (docs/operations.md).
 */
export interface SentMailStore {
  readonly where: string;
  get(messageId: string): Promise<SentMail | undefined>;
  record(sent: SentMail): Promise<void>;
  close?(): Promise<void>;
}

/** One file per Message-ID in a directory (sandbox, one process): written whole by rename. */
export class FileSentMailStore implements SentMailStore {
  readonly where: string;
  constructor(private readonly dir: string) {
    this.where = `files in ${dir}`;
  }

  private file(messageId: string): string {
    return join(this.dir, `${createHash('sha256').update(messageId).digest('hex')}.json`);
  }

  async get(messageId: string): Promise<SentMail | undefined> {
    try {
      return JSON.parse(await readFile(this.file(messageId), 'utf8')) as SentMail;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async record(sent: SentMail): Promise<void> {
    await replaceFile(this.file(sent.messageId), JSON.stringify(sent));
  }
}

/** The `onramp_sent_mail` table every worker shares (production: the secret store's database). */
export class PostgresSentMailStore implements SentMailStore {
  readonly where = 'the onramp_sent_mail table (ONRAMP_SECRET_STORE_URL)';
  private readonly pool: Pool;
  private ready?: Promise<void>;

  constructor(
    connectionString: string,
    private readonly table = 'onramp_sent_mail'
  ) {
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(table)) throw new Error(`sent-mail table "${table}" is not a plain SQL name`);
    this.pool = new Pool({ connectionString, max: 2, allowExitOnIdle: true });
    this.pool.on('error', () => undefined);
  }

  private schema(): Promise<void> {
    this.ready ??= createSchemaOnce(this.pool, `${this.table}:schema`, sentMailDdl(this.table)).catch(
      (err: unknown) => {
        this.ready = undefined;
        throw err;
      }
    );
    return this.ready;
  }

  async get(messageId: string): Promise<SentMail | undefined> {
    await this.schema();
    const { rows } = await this.pool.query<{
      workflow_id: string;
      kind: string;
      recipient: string;
      accepted_at: Date;
      smtp_response: string;
    }>(`SELECT * FROM ${this.table} WHERE message_id = $1`, [messageId]);
    const r = rows[0];
    return (
      r && {
        messageId,
        workflowId: r.workflow_id,
        kind: r.kind,
        recipient: r.recipient,
        acceptedAt: r.accepted_at.toISOString(),
        smtpResponse: r.smtp_response,
      }
    );
  }

  async record(s: SentMail): Promise<void> {
    await this.schema();
    // A second acceptance of the same Message-ID (a send inside the window) keeps the first row.
    await this.pool.query(
      `INSERT INTO ${this.table} (message_id, workflow_id, kind, recipient, accepted_at, smtp_response)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
      [s.messageId, s.workflowId, s.kind, s.recipient, s.acceptedAt, s.smtpResponse]
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function createSentMailStore(opts: { postgresUrl?: string; dir: string }): SentMailStore {
  return opts.postgresUrl ? new PostgresSentMailStore(opts.postgresUrl) : new FileSentMailStore(opts.dir);
}
