/**
 * HubSpot's door: webhook subscriptions (`deal.propertyChange` on `dealstage`, or the generic
 * `object.propertyChange` on a deal, objectTypeId 0-3) — batches of events — and workflow "Send a webhook"
 * actions (one JSON object per enrolled deal). Both are signed with X-HubSpot-Signature-v3
 * (src/webhooks/sales/hubspot-signature.ts). Events of another portal are refused (403); events about
 * anything but a deal's stage are acknowledged and ignored.
 */
import { createHash } from 'node:crypto';
import type { SalesEventV1 } from '../../contract/sales-messages';
import type { HubspotSystemSettings } from '../../domain/sales-hubspot-schema';
import { verifyHubspotV3 } from '../../webhooks/sales/hubspot-signature';
import { SalesRefusal, type SalesReceiverFactory, type SalesRequest } from './sales-receiver';

const header = (req: SalesRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const idText = (v: unknown): string | undefined =>
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,20}$/.test(v))
    ? String(v)
    : undefined;

/** One webhook-subscription event → a deal event, or undefined when it is not about a deal's stage. */
function subscriptionEvent(e: Record<string, unknown>, i: number): SalesEventV1 | undefined {
  const type = e.subscriptionType;
  const isDeal = type === 'deal.propertyChange' || (type === 'object.propertyChange' && e.objectTypeId === '0-3');
  if (!isDeal || e.propertyName !== 'dealstage') return undefined;
  const [portal, deal, eventId] = [idText(e.portalId), idText(e.objectId), idText(e.eventId)];
  if (!portal || !deal || !eventId)
    throw new SalesRefusal(400, 'malformed', `event ${i}: portalId, objectId and eventId must be HubSpot IDs (digits)`);
  return {
    system: 'hubspot',
    account: portal,
    dealId: deal,
    // eventId is "not guaranteed to be unique" across subscriptions: qualify it by the subscription.
    eventId: `${idText(e.subscriptionId) ?? '0'}:${eventId}`,
    ...(typeof e.occurredAt === 'number' ? { occurredAt: new Date(e.occurredAt).toISOString() } : {}),
    ...(typeof e.propertyValue === 'string' ? { stage: e.propertyValue } : {}),
  };
}

/**
 * A workflow "Send a webhook" action: the enrolled deal as an object. The deal's ID is `objectId` (or
 * `hs_object_id` among `properties`), the portal `portalId` when the body carries it; its stage `dealstage`.
 * HubSpot gives no event ID here: the body's digest is one (a retry of the same action sends the same body).
 */
function workflowEvent(body: Record<string, unknown>, raw: Buffer, portalId: string): SalesEventV1 {
  const props = (body.properties && typeof body.properties === 'object' ? body.properties : {}) as Record<
    string,
    unknown
  >;
  const prop = (k: string): unknown => {
    const v = props[k] ?? body[k];
    return v && typeof v === 'object' && 'value' in v ? v.value : v;
  };
  const deal = idText(body.objectId) ?? idText(prop('hs_object_id')) ?? idText(body.dealId);
  if (!deal)
    throw new SalesRefusal(
      400,
      'malformed',
      "a workflow webhook must carry the deal: objectId (or properties.hs_object_id); include it in the action's request body"
    );
  const stage = prop('dealstage');
  return {
    system: 'hubspot',
    account: idText(body.portalId) ?? portalId,
    dealId: deal,
    eventId: `wf:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`,
    ...(typeof stage === 'string' ? { stage } : {}),
  };
}

export const hubspotReceiver: SalesReceiverFactory<HubspotSystemSettings> = async (ctx) => {
  const secret = (await ctx.resolveSecret(ctx.settings.clientSecretRef)).trim();
  const portalId = ctx.settings.portalId;
  const origin = new URL(ctx.settings.webhookUrl).origin;
  return {
    system: 'hubspot',
    async receive(req) {
      const verdict = verifyHubspotV3({
        secret,
        method: req.method,
        // HubSpot signs the URL it posted to: the configured origin, the path and query as received.
        uri: `${origin}${req.url}`,
        body: req.rawBody,
        signature: header(req, 'x-hubspot-signature-v3'),
        timestamp: header(req, 'x-hubspot-request-timestamp'),
        now: req.receivedAt.getTime(),
      });
      if (!verdict.ok) throw new SalesRefusal(401, verdict.reason, verdict.message);
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new SalesRefusal(400, 'malformed', 'the body is not JSON');
      }
      const events = Array.isArray(body)
        ? body.map((e, i) => {
            if (!e || typeof e !== 'object') throw new SalesRefusal(400, 'malformed', `event ${i} is not an object`);
            return subscriptionEvent(e as Record<string, unknown>, i);
          })
        : body && typeof body === 'object'
          ? [workflowEvent(body as Record<string, unknown>, req.rawBody, portalId)]
          : [];
      const deals = events.filter((e): e is SalesEventV1 => !!e);
      const foreign = deals.find((e) => e.account !== portalId);
      if (foreign)
        throw new SalesRefusal(
          403,
          'wrong_account',
          `portal ${foreign.account} is not the HubSpot account of this deployment (systems.hubspot.portalId ${portalId}); nothing was started`
        );
      return deals;
    },
    acknowledge(events) {
      return { status: 200, contentType: 'application/json', body: JSON.stringify({ received: events.length }) };
    },
  };
};
