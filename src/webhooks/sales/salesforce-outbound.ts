import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SalesEventV1 } from '../../contract/sales-messages';
import { sameSalesforceId, salesforceId18 } from '../../rules/sales-system-rules';
import { SalesRefusal, header, sameSecret, type SalesDelivery } from './sales-refusal';

/**
 * Salesforce Outbound Message receiver for Opportunity (a workflow rule's or flow's "Outbound Message" action).
 *
 * What Salesforce sends (https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html):
 * a SOAP 1.1 envelope whose Body holds `notifications` (namespace http://soap.sforce.com/2005/09/outbound) with
 * `OrganizationId`, `ActionId`, `SessionId` (nil unless "Send Session ID"), `EnterpriseUrl`, `PartnerUrl` and up to
 * 100 `Notification`s, each an `Id` (the notification's own ID) and an `sObject` (`xsi:type="sf:Opportunity"`,
 * the fields the admin chose, `sf:Id` always).
 *
 * Outbound messages are not signed. Salesforce's "Considerations for Security"
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_security.htm)
 * offers: accept only Salesforce's IP ranges (which "doesn't guarantee that another customer isn't pointing to your
 * endpoint"), TLS, validating Salesforce's client certificate when the TLS server can, and checking the
 * organization ID every message carries. Onramp checks:
 * 1. a per-deployment secret token in the Endpoint URL the admin types in Salesforce, as its `token` query
 *    parameter (`https://<intake>/v1/sales/salesforce?token=<token>`) or its last path segment: the
 *    organization ID is not a secret, so without the token anyone who knows it could forge a message [community practice, e.g. hookdeck's salesforce-webhooks skill; not in Salesforce's docs];
 * 2. `OrganizationId` equals the configured organization (15- or 18-character form) — wrong org: 403, nothing
 *    started (no token: 404; stale LastModifiedDate: 401; malformed or not an Opportunity: 400);
 * 3. every notification is an Opportunity with a well-formed ID.
 * IP allow-listing and the client certificate belong to the TLS front (reverse proxy), not to this function.
 *
 * Redeliveries: Salesforce retries a message it did not get an Ack for, with growing intervals, for 24 hours
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_notifications.htm),
 * and may deliver an acknowledged one again. A redelivery carries the same Notification Id (the eventId here) and
 * Opportunity ID, so the order it maps to (ID derived from system + deal) is started once. Onramp therefore answers
 * `acknowledgement()` (200, Ack true) to every verified message, and answers otherwise only when it could not
 * durably record the event (5xx, no Ack: Salesforce redelivers, which is what we want) — never for a duplicate.
 * A refusal (4xx) is also a non-Ack: Salesforce keeps retrying it until its 24 hours run out, harmlessly.
 *
 * XML: fast-xml-parser rather than hand parsing, because SOAP bodies may use any namespace prefixes, CDATA,
 * entities and attribute orders, and a well-kept parser handles (and validates) all of them; entity processing is
 * off and any DOCTYPE is refused, so no entity expansion (billion laughs) or external entities.
 */

export interface SalesforceOutboundConfig {
  /** The configured organization ID (15 or 18 characters). */
  organizationId: string;
  /** The secret last path segment of the endpoint URL (resolved from its reference). */
  pathToken: string;
  /** Largest body accepted. Default 1 MiB (100 notifications of an Opportunity's fields fit easily). */
  maxBodyBytes?: number;
  /**
   * When the message includes the Opportunity's `LastModifiedDate`, a message older than this is stale (refused).
   * Default 25 h: Salesforce drops undelivered messages after 24 h.
   */
  maxAgeMs?: number;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_AGE_MS = 25 * 3600_000;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  isArray: (name) => name === 'Notification',
});

type XmlNode = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as XmlNode)['#text'] === 'string')
    return (v as XmlNode)['#text'] as string;
  return undefined;
}

/** The token the request presents: its `token` query parameter, else its last path segment. */
function presentedToken(url: string): string {
  const [path = '', query = ''] = url.split('?');
  const fromQuery = new URLSearchParams(query).get('token');
  if (fromQuery !== null) return fromQuery;
  const parts = path.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

/** Check the request and its envelope; the Opportunity events it carries, or a SalesRefusal naming what is wrong. */
export function verify(req: SalesDelivery, config: SalesforceOutboundConfig): SalesEventV1[] {
  if (req.method.toUpperCase() !== 'POST')
    throw new SalesRefusal(
      400,
      'method',
      `Salesforce outbound messages are POSTed; ${req.method} is not accepted here`
    );
  let segment: string;
  try {
    segment = presentedToken(req.url);
  } catch {
    segment = '';
  }
  if (!config.pathToken || !sameSecret(segment, config.pathToken))
    throw new SalesRefusal(
      404,
      'unknown_endpoint',
      "unknown endpoint: the outbound message's Endpoint URL must carry this deployment's Salesforce token (?token=..., see the configuration's outboundPathTokenRef)"
    );
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.startsWith('text/xml') && !type.startsWith('application/soap+xml'))
    throw new SalesRefusal(
      415,
      'content_type',
      `content-type must be text/xml (a SOAP message), not "${type || 'none'}"`
    );
  if (req.rawBody.length > (config.maxBodyBytes ?? DEFAULT_MAX_BODY))
    throw new SalesRefusal(413, 'too_large', `body of ${req.rawBody.length} bytes is larger than accepted`);
  const xml = req.rawBody.toString('utf8');
  if (/<!DOCTYPE/i.test(xml)) throw new SalesRefusal(400, 'malformed', 'a DOCTYPE is not accepted in a SOAP message');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new SalesRefusal(400, 'malformed', `body is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = parser.parse(xml) as XmlNode;
  const body = (doc.Envelope as XmlNode | undefined)?.Body as XmlNode | undefined;
  const n = body?.notifications as XmlNode | undefined;
  if (!n || typeof n !== 'object')
    throw new SalesRefusal(
      400,
      'malformed',
      'not a Salesforce outbound message: no soapenv:Envelope/soapenv:Body/notifications'
    );

  const org = text(n.OrganizationId);
  if (!org || !salesforceId18(org))
    throw new SalesRefusal(400, 'malformed', 'notifications/OrganizationId is missing or not a Salesforce ID');
  if (!sameSalesforceId(org, config.organizationId))
    throw new SalesRefusal(
      403,
      'wrong_account',
      `OrganizationId ${org} is not the configured organization: this endpoint only takes messages from the organization in its configuration (organizationId)`
    );
  const account = salesforceId18(config.organizationId)!;
  const list = (n.Notification as XmlNode[] | undefined) ?? [];
  if (list.length === 0) throw new SalesRefusal(400, 'malformed', 'the message has no Notification');
  if (list.length > 100)
    throw new SalesRefusal(400, 'malformed', `${list.length} notifications: Salesforce sends at most 100`);
  const now = req.receivedAt.getTime();
  const maxAge = config.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  return list.map((item, i) => {
    const at = `Notification ${i + 1}`;
    const eventId = text(item.Id);
    if (!eventId || !salesforceId18(eventId))
      throw new SalesRefusal(400, 'malformed', `${at}: Id is missing or not a Salesforce ID`);
    const so = item.sObject as XmlNode | undefined;
    if (!so || typeof so !== 'object') throw new SalesRefusal(400, 'malformed', `${at}: sObject is missing`);
    const xsiType = text(so['@type']) ?? '';
    if (xsiType.replace(/^.*:/, '') !== 'Opportunity')
      throw new SalesRefusal(
        400,
        'wrong_object',
        `${at}: sObject is a ${xsiType || 'record of no type'}, not an Opportunity: define the outbound message on Opportunity`
      );
    const dealId = text(so.Id);
    if (!dealId || !salesforceId18(dealId))
      throw new SalesRefusal(400, 'malformed', `${at}: sObject Id is missing or not a Salesforce ID`);
    const modified = text(so.LastModifiedDate);
    const modifiedAt = modified ? Date.parse(modified) : NaN;
    if (!Number.isNaN(modifiedAt) && now - modifiedAt > maxAge)
      throw new SalesRefusal(
        401,
        'stale',
        `${at}: stale: the Opportunity's LastModifiedDate ${modified} is older than Salesforce keeps a message (24 h)`
      );
    const stage = text(so.StageName);
    return {
      system: 'salesforce',
      account,
      dealId: salesforceId18(dealId)!,
      eventId: salesforceId18(eventId)!,
      ...(modified && !Number.isNaN(modifiedAt) ? { occurredAt: new Date(modifiedAt).toISOString() } : {}),
      ...(stage ? { stage } : {}),
    } satisfies SalesEventV1;
  });
}

/** The SOAP answer Salesforce needs to stop redelivering (notificationsResponse with Ack true). */
export function acknowledgement(): { status: 200; contentType: 'text/xml'; body: string } {
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
      '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">' +
      '<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>',
  };
}
