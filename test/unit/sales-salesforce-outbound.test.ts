/**
 * The Salesforce outbound-message receiver as a pure function: Salesforce's documented Opportunity message
 * (test/helpers/sales-examples.ts, with its sources) gives the expected SalesEventV1; forged (no path token),
 * wrong-organization, stale and malformed messages are refused with a 4xx that names the problem; a redelivery
 * gives the same eventId; the acknowledgement is the SOAP notificationsResponse with Ack true.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { acknowledgement, verify } from '../../src/webhooks/sales/salesforce-outbound';
import { SalesRefusal } from '../../src/webhooks/sales/sales-refusal';
import { salesforceId18 } from '../../src/rules/sales-system-rules';
import {
  SF_EXAMPLE_OUTBOUND_MESSAGE,
  SF_NOTIFICATION_ID,
  SF_OPPORTUNITY_ID,
  SF_ORG_ID,
} from '../helpers/sales-examples';

const TOKEN = 'sf-path-token-7f3c9a1d2e';
const AT = new Date('2026-12-05T10:00:30Z');
const config = { organizationId: SF_ORG_ID, pathToken: TOKEN };
const deliver = (body: string, over: Partial<{ url: string; type: string; method: string; at: Date }> = {}) => ({
  method: over.method ?? 'POST',
  url: over.url ?? `/v1/sales/salesforce/${TOKEN}`,
  headers: { 'content-type': over.type ?? 'text/xml; charset=utf-8', soapaction: '""' },
  rawBody: Buffer.from(body),
  receivedAt: over.at ?? AT,
});
const refusal = (fn: () => unknown): SalesRefusal => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SalesRefusal, `expected a SalesRefusal, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected a refusal');
};

describe('Salesforce outbound message receiver', () => {
  it("Salesforce's documented Opportunity message gives one event: org, opportunity, notification id, stage", () => {
    const events = verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE), config);
    assert.deepEqual(events, [
      {
        system: 'salesforce',
        account: SF_ORG_ID,
        dealId: SF_OPPORTUNITY_ID,
        eventId: SF_NOTIFICATION_ID,
        occurredAt: '2026-12-05T10:00:00.000Z',
        stage: 'Closed Won',
      },
    ]);
  });

  it('a redelivery carries the same eventId and dealId (the order it maps to starts once)', () => {
    const first = verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE), config);
    const again = verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { at: new Date('2026-12-05T12:00:00Z') }), config);
    assert.deepEqual(again, first);
  });

  it("the token may be the Endpoint URL's token query parameter (the intake route /v1/sales/:system)", () => {
    const events = verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { url: `/v1/sales/salesforce?token=${TOKEN}` }), config);
    assert.equal(events[0]!.eventId, SF_NOTIFICATION_ID);
  });

  it('the configured organization may be its 15-character form', () => {
    const events = verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE), { ...config, organizationId: SF_ORG_ID.slice(0, 15) });
    assert.equal(events[0]!.account, SF_ORG_ID);
  });

  it('forged: a message to the endpoint without the path token (or a wrong one) is refused 404, naming the token, not its value', () => {
    for (const url of [
      '/v1/sales/salesforce',
      '/v1/sales/salesforce/guess',
      `/v1/sales/salesforce/${TOKEN}x`,
      `/v1/sales/salesforce?token=${TOKEN}x`,
      `/v1/sales/salesforce/${TOKEN}?token=wrong`,
    ]) {
      const r = refusal(() => verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { url }), config));
      assert.deepEqual([r.status, r.reason], [404, 'unknown_endpoint']);
      assert.match(r.message, /Salesforce token/);
      assert.doesNotMatch(r.message, new RegExp(TOKEN));
    }
  });

  it('wrong organization: 403 naming the organization, nothing returned', () => {
    const other = SF_EXAMPLE_OUTBOUND_MESSAGE.replace(SF_ORG_ID, '00D5e000000ZZ9zEAG');
    const r = refusal(() => verify(deliver(other), config));
    assert.deepEqual([r.status, r.reason], [403, 'wrong_account']);
    assert.match(r.message, /OrganizationId 00D5e000000ZZ9zEAG is not the configured organization/);
  });

  it('stale: an Opportunity last modified longer ago than Salesforce keeps a message is refused', () => {
    const r = refusal(() =>
      verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { at: new Date('2026-12-06T12:00:00Z') }), config)
    );
    assert.deepEqual([r.status, r.reason], [401, 'stale']);
    assert.match(r.message, /stale/);
  });

  it('a message about another object is refused, naming the fix', () => {
    const account = SF_EXAMPLE_OUTBOUND_MESSAGE.replace('xsi:type="sf:Opportunity"', 'xsi:type="sf:Account"');
    const r = refusal(() => verify(deliver(account), config));
    assert.deepEqual([r.status, r.reason], [400, 'wrong_object']);
    assert.match(r.message, /not an Opportunity: define the outbound message on Opportunity/);
  });

  it('malformed, DOCTYPE-carrying, non-SOAP, wrong-type and wrong-method requests are refused', () => {
    assert.equal(refusal(() => verify(deliver('<soapenv:Envelope><oops'), config)).status, 400);
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${SF_EXAMPLE_OUTBOUND_MESSAGE.replace(/^<\?xml[^>]*>/, '')}`;
    assert.match(refusal(() => verify(deliver(doctype), config)).message, /DOCTYPE/);
    assert.equal(refusal(() => verify(deliver('<a/>'), config)).status, 400);
    assert.equal(
      refusal(() => verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { type: 'application/json' }), config)).status,
      415
    );
    assert.equal(refusal(() => verify(deliver(SF_EXAMPLE_OUTBOUND_MESSAGE, { method: 'GET' }), config)).status, 400);
    const badId = SF_EXAMPLE_OUTBOUND_MESSAGE.replace(
      `<sf:Id>${SF_OPPORTUNITY_ID}</sf:Id>`,
      '<sf:Id>0065e00000GxW2qAAA</sf:Id>'
    );
    assert.match(refusal(() => verify(deliver(badId), config)).message, /sObject Id is missing or not a Salesforce ID/);
  });

  it('several notifications in one message give one event each', () => {
    const second = SF_EXAMPLE_OUTBOUND_MESSAGE.replace(
      '</Notification>',
      `</Notification><Notification><Id>04l5e00000Gx7R0AAJ</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065e00000GxW2qAAF</sf:Id></sObject></Notification>`
    );
    const events = verify(deliver(second), config);
    assert.deepEqual(
      events.map((e) => [e.eventId, e.stage]),
      [
        [SF_NOTIFICATION_ID, 'Closed Won'],
        ['04l5e00000Gx7R0AAJ', undefined],
      ]
    );
  });

  it('the acknowledgement is a SOAP notificationsResponse with Ack true', () => {
    const ack = acknowledgement();
    assert.equal(ack.status, 200);
    assert.equal(ack.contentType, 'text/xml');
    const doc = new XMLParser({ removeNSPrefix: true }).parse(ack.body) as {
      Envelope: { Body: { notificationsResponse: { Ack: boolean } } };
    };
    assert.equal(doc.Envelope.Body.notificationsResponse.Ack, true);
    assert.match(ack.body, /<notificationsResponse xmlns="http:\/\/soap\.sforce\.com\/2005\/09\/outbound">/);
  });

  it('18-character IDs: the checksum suffix is computed and checked', () => {
    assert.equal(salesforceId18(SF_ORG_ID.slice(0, 15)), SF_ORG_ID);
    assert.equal(salesforceId18(SF_ORG_ID.toLowerCase().slice(0, 15) + 'EAG'), undefined);
    assert.equal(salesforceId18('00D5e000000KQ2eEAX'), undefined);
    assert.equal(salesforceId18('short'), undefined);
  });
});
