import type { AutotaskDatabase, Webhook } from '../autotask-state';

/** What the Autotask admin API's operations work on: the database, and the UI actions that set off callouts. */
export interface AutotaskAdminDeps {
  db: AutotaskDatabase;
  setUserActive(username: string, active: boolean): Promise<void>;
  /** Inactivate a webhook as Autotask does (its deactivation URL is called). */
  deactivateWebhook(hook: Webhook): Promise<void>;
  changeTicket(id: number | undefined, fields: Record<string, unknown>): number;
  /** Keep the database (levels, users, records, webhooks) in this JSON file across restarts. */
  stateFile?: string;
}
