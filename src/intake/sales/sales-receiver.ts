/**
 * The seam every sales-system receiver implements (HubSpot here; Salesforce and ConnectWise Manage alike).
 *
 * A receiver sits behind the intake at `POST /v1/sales/<system>` (the route is shared: ./sales-routes.ts).
 * It is given the request exactly as received, verifies it the way its vendor documents (signature, age,
 * account) and returns the events it carries, each naming one deal. It never starts anything itself: the
 * route starts (or signals) one deal workflow per event, keyed by system + account + deal ID, and only
 * then answers the sender with the receiver's acknowledgement. A refusal answers 4xx and starts nothing.
 *
 * Register an implementation in ./receivers.ts (one line per system).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SalesEventV1, SalesSystem } from '../../contract/sales-messages';

/** A request as the sender sent it: nothing re-serialised, so a signature over the bytes can be checked. */
export interface SalesRequest {
  /** Upper-case HTTP method, as received (`POST`). */
  method: string;
  /** Path and query exactly as received (`/v1/sales/hubspot?x=1`), not decoded. */
  url: string;
  /** Node's lower-cased headers. */
  headers: IncomingHttpHeaders;
  /** The body's bytes, whatever its content type (JSON, SOAP XML, form). */
  rawBody: Buffer;
  /** When the intake read the request (freshness checks compare the sender's timestamp with this). */
  receivedAt: Date;
}

/** What the sender is answered once every event was handed to its deal workflow. */
export interface SalesAck {
  status: number;
  /** Content-Type of `body` (e.g. `text/xml; charset=utf-8` for Salesforce's SOAP ack). */
  contentType: string;
  body: string;
}

/**
 * A verified event the route must not act on is simply not returned (an event on another property, a
 * stage that is not interesting): return `[]` and the sender is acknowledged with nothing started.
 * Throw a SalesRefusal for a request that must not be trusted or understood.
 */
export { SalesRefusal } from '../../webhooks/sales/sales-refusal';

export interface SalesReceiver {
  readonly system: SalesSystem;
  /** Verify the request and return the events it carries (possibly several, possibly none). Throws SalesRefusal. */
  receive(req: SalesRequest): Promise<SalesEventV1[]>;
  /** The answer to the sender after `events` were all handed over (HubSpot: 200 JSON; Salesforce: the SOAP ack). */
  acknowledge(events: SalesEventV1[], req: SalesRequest): SalesAck;
}

/** What a receiver is built from at the intake's start. */
export interface SalesReceiverContext<Settings> {
  /** This system's block of the mapping file's `systems:` section, already validated by its schema
   * (src/domain/sales-<system>-schema.ts). */
  settings: Settings;
  /** Resolve a secret reference (`env:`, `file:`, `store:`) of `settings`; the value is registered with the scrubber. */
  resolveSecret(ref: string): Promise<string>;
  /** The clock; tests move it. */
  now(): Date;
}

export type SalesReceiverFactory<Settings = never> = (ctx: SalesReceiverContext<Settings>) => Promise<SalesReceiver>;
