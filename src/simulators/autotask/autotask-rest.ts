import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_ENTITY_TO_REST } from './catalog';
import type { CalloutQueue } from './delivery';
import type { Action, ApiUser, AutotaskDatabase } from './autotask-state';

/**
 * What every REST route of the Autotask simulator shares: the base path, webhook entity names, Autotask's
 * error body (`{errors: [...]}`), and the API user the door (autotask-door.ts) attached to the request.
 */
export interface AutotaskContext {
  db: AutotaskDatabase;
  callouts: CalloutQueue;
}

/** Every REST path starts with this, in any case (the real service ignores case in paths). */
const BASE = /^\/atservicesrest\/v1\.0(\/|$)/i;
export const WEBHOOK_ENDPOINT = /^(Company|Contact|ConfigurationItem|Ticket|TicketNote)Webhooks$/i;
/** Webhook child entities when addressed on their own (e.g. `TicketWebhookFields/entityInformation/fields`). */
export const WEBHOOK_CHILD_ENTITY =
  /^(Company|Contact|ConfigurationItem|Ticket|TicketNote)Webhook(Fields|ExcludedResources|UdfFields)$/i;

export const errors = (reply: FastifyReply, status: number, ...messages: string[]) =>
  reply.code(status).send({ errors: messages });

/** Canonical spelling of a webhook entity prefix ("ticket" -> "Ticket"). */
export const canonicalHook = (s: string) =>
  Object.keys(WEBHOOK_ENTITY_TO_REST).find((k) => k.toLowerCase() === s.toLowerCase());
export const canonicalChild = (s: string) =>
  ['Fields', 'ExcludedResources', 'UdfFields'].find((k) => k.toLowerCase() === s.toLowerCase());

/** Path below /ATServicesRest/V1.0/, or undefined for other paths. */
export function restPath(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const m = BASE.exec(path);
  return m ? path.slice(m[0].length).replace(/\/+$/, '') : undefined;
}

export const userOf = (req: FastifyRequest) => (req as unknown as { apiUser: ApiUser }).apiUser;
export const denied = (reply: FastifyReply, entity: string, action: Action) =>
  action === 'query'
    ? errors(reply, 403, `The logged in Resource does not have the adequate permissions to query ${entity}.`)
    : errors(
        reply,
        500,
        `The logged in Resource does not have the adequate permissions to ${action} this entity type.`
      );

export const notFound = (reply: FastifyReply, what: string) => errors(reply, 404, `${what} not found.`); // body: a guess
