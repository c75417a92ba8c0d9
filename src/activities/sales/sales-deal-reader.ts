/**
 * The seam every sales-system reader implements: read the deal an event names through the vendor's own
 * client (`@hubspot/api-client`, `jsforce`, `connectwise-rest`), with its company, contacts (role on the
 * deal) and what was sold. Register an implementation in ./index.ts (one line per system).
 *
 * Errors follow src/activities/failures.ts: 429/5xx/network retryable (Retry-After honoured); a deal that
 * does not exist or credentials that are refused are nonRetryable with a message naming what to fix.
 */
import type { SalesDealV1, SalesEventV1 } from '../../contract/sales-messages';

export interface SalesDealReader {
  /** Read the deal of `event` (`event.account` is checked against the configured one by the receiver). */
  read(event: Pick<SalesEventV1, 'system' | 'account' | 'dealId'>): Promise<SalesDealV1>;
}

export interface SalesDealReaderContext<Settings> {
  /** This system's block of the mapping file's `systems:` section, validated by src/domain/sales-<system>-schema.ts. */
  settings: Settings;
  /** Resolve a secret reference (`env:`, `file:`, `store:`) of `settings`. */
  resolveSecret(ref: string): Promise<string>;
}

export type SalesDealReaderFactory<Settings = never> = (ctx: SalesDealReaderContext<Settings>) => SalesDealReader;
