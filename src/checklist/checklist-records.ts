import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createSchemaOnce } from '../postgres-schema';
import type { ChecklistClaims } from './checklist-links';

/**
 * What the checklist page keeps besides Temporal: the audit of every page action (who: the link's recipient;
 * what; when; for which order and integration; never a value the admin typed) and the operator's
 * revocations. Like the secret store's audit: PostgreSQL (`ONRAMP_SECRET_STORE_URL`, tables
 * `onramp_checklist_audit` and `onramp_checklist_revocations`) when the stack has one, else JSON lines
 * under `$ONRAMP_DATA_DIR/checklist/` (the sandbox: one machine, the CLI and the page share the directory).
 *
 * A revocation covers every link of the workflow (and of one integration, or all) issued up to that
 * moment: `onramp checklist link` after it issues a link that works again.
 */
export interface ChecklistAuditEntry {
  /** The link's recipient (the `sub` of its token). */
  actor: string;
  workflowId: string;
  integration: string;
  linkId: string;
  /** viewed, check-now, credential-accepted, credential-refused, refused (token/CSRF/transport), revoked, link-issued */
  action: string;
  /** A short outcome; never a secret (the workflow's reason for a refusal, which never holds the value). */
  detail?: string;
}

export interface ChecklistAuditRow extends ChecklistAuditEntry {
  at: Date;
}

export interface ChecklistRevocation {
  workflowId: string;
  /** Unset: every integration of the workflow. */
  integration?: string;
  at: Date;
  by: string;
}

export interface ChecklistRecords {
  audit(entry: ChecklistAuditEntry): Promise<void>;
  /** The audit of one workflow (order), oldest first. */
  auditOf(workflowId: string): Promise<ChecklistAuditRow[]>;
  revoke(r: ChecklistRevocation): Promise<void>;
  /** True when a revocation made at or after the link's issue covers it. */
  isRevoked(claims: Pick<ChecklistClaims, 'wf' | 'int' | 'ims'>): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A workflow and the ones it owns: `customer-onboarding:<orderId>` covers its children
 * `customer-onboarding:<orderId>:<integration>[:retry-N]` (order IDs hold no ":"), so revoking an order also
 * withdraws the links e-mails made for its children.
 */
export const withinWorkflow = (workflowId: string, of: string) => workflowId === of || workflowId.startsWith(`${of}:`);

/** `googleDelegation` and `google-delegation` name the same integration. */
const sameIntegration = (a: string, b: string) =>
  a.replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase()) ===
  b.replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase());

const covers = (r: ChecklistRevocation, c: Pick<ChecklistClaims, 'wf' | 'int' | 'ims'>) =>
  withinWorkflow(c.wf, r.workflowId) &&
  (!r.integration || sameIntegration(r.integration, c.int)) &&
  r.at.getTime() >= c.ims;

/** JSON lines in a directory: `audit.jsonl`, `revocations.jsonl` (appends of one line are atomic enough here). */
export class FileChecklistRecords implements ChecklistRecords {
  constructor(private readonly dir: string) {}

  private append(file: string, row: unknown): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    appendFileSync(join(this.dir, file), `${JSON.stringify(row)}\n`, { mode: 0o600 });
  }

  private read<T>(file: string): T[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as T];
        } catch {
          return []; // a line cut short by a crash
        }
      });
  }

  async audit(entry: ChecklistAuditEntry): Promise<void> {
    this.append('audit.jsonl', { at: new Date().toISOString(), ...entry });
  }

  async auditOf(workflowId: string): Promise<ChecklistAuditRow[]> {
    return this.read<ChecklistAuditEntry & { at: string }>('audit.jsonl')
      .filter((r) => withinWorkflow(r.workflowId, workflowId))
      .map((r) => ({ ...r, at: new Date(r.at) }));
  }

  async revoke(r: ChecklistRevocation): Promise<void> {
    this.append('revocations.jsonl', { ...r, at: r.at.toISOString() });
  }

  async isRevoked(c: Pick<ChecklistClaims, 'wf' | 'int' | 'ims'>): Promise<boolean> {
    return this.read<Omit<ChecklistRevocation, 'at'> & { at: string }>('revocations.jsonl').some((r) =>
      covers({ ...r, at: new Date(r.at) }, c)
    );
  }

  async close(): Promise<void> {}
}

/** The same in PostgreSQL, beside the secret store's tables. */
export class PostgresChecklistRecords implements ChecklistRecords {
  private readonly pool: Pool;
  private ready?: Promise<void>;

  constructor(connectionString: string) {
    this.pool = new Pool({ connectionString, max: 2, allowExitOnIdle: true });
    this.pool.on('error', () => undefined);
  }

  private schema(): Promise<void> {
    this.ready ??= createSchemaOnce(
      this.pool,
      'onramp_checklist:schema',
      `
        CREATE TABLE IF NOT EXISTS onramp_checklist_audit (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor text NOT NULL,
          workflow_id text NOT NULL,
          integration text NOT NULL,
          link_id text NOT NULL,
          action text NOT NULL,
          detail text
        );
        CREATE INDEX IF NOT EXISTS onramp_checklist_audit_wf ON onramp_checklist_audit (workflow_id, id);
        CREATE TABLE IF NOT EXISTS onramp_checklist_revocations (
          id bigserial PRIMARY KEY,
          workflow_id text NOT NULL,
          integration text,
          at timestamptz NOT NULL,
          by text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS onramp_checklist_revocations_wf ON onramp_checklist_revocations (workflow_id);
      `
    ).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async audit(e: ChecklistAuditEntry): Promise<void> {
    await this.schema();
    await this.pool.query(
      'INSERT INTO onramp_checklist_audit (actor, workflow_id, integration, link_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.actor, e.workflowId, e.integration, e.linkId, e.action, e.detail ?? null]
    );
  }

  async auditOf(workflowId: string): Promise<ChecklistAuditRow[]> {
    await this.schema();
    const r = await this.pool.query<{
      at: Date;
      actor: string;
      workflow_id: string;
      integration: string;
      link_id: string;
      action: string;
      detail: string | null;
    }>(
      "SELECT at, actor, workflow_id, integration, link_id, action, detail FROM onramp_checklist_audit WHERE workflow_id = $1 OR left(workflow_id, length($1) + 1) = $1 || ':' ORDER BY id",
      [workflowId]
    );
    return r.rows.map((x) => ({
      at: x.at,
      actor: x.actor,
      workflowId: x.workflow_id,
      integration: x.integration,
      linkId: x.link_id,
      action: x.action,
      ...(x.detail ? { detail: x.detail } : {}),
    }));
  }

  async revoke(r: ChecklistRevocation): Promise<void> {
    await this.schema();
    await this.pool.query(
      'INSERT INTO onramp_checklist_revocations (workflow_id, integration, at, by) VALUES ($1, $2, $3, $4)',
      [r.workflowId, r.integration ?? null, r.at, r.by]
    );
  }

  async isRevoked(c: Pick<ChecklistClaims, 'wf' | 'int' | 'ims'>): Promise<boolean> {
    await this.schema();
    // Candidates by workflow (the link's own, or an order it belongs to); the rest of the rule as the files apply it.
    const r = await this.pool.query<{ workflow_id: string; integration: string | null; at: Date; by: string }>(
      "SELECT workflow_id, integration, at, by FROM onramp_checklist_revocations WHERE workflow_id = $1 OR left($1, length(workflow_id) + 1) = workflow_id || ':'",
      [c.wf]
    );
    return r.rows.some((x) =>
      covers(
        { workflowId: x.workflow_id, ...(x.integration ? { integration: x.integration } : {}), at: x.at, by: x.by },
        c
      )
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The records as configured: PostgreSQL with a secret store URL, else files under the data directory. */
export function checklistRecordsFromConfig(config: {
  dataDir: string;
  secretStore: { url?: string };
}): ChecklistRecords {
  return config.secretStore.url
    ? new PostgresChecklistRecords(config.secretStore.url)
    : new FileChecklistRecords(join(config.dataDir, 'checklist'));
}
