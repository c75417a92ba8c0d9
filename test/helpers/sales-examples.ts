/**
 * The vendors' example deliveries the Salesforce and ConnectWise receivers are tested with, and where each
 * comes from.
 */

/**
 * Salesforce outbound message for an Opportunity. Salesforce publishes the message's schema, with Opportunity as
 * its worked example, not a captured message: "Understanding the Outbound Messaging WSDL",
 * https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html
 * (`notifications` = OrganizationId, ActionId, SessionId nillable, EnterpriseUrl, PartnerUrl, Notification x1..100 of
 * `OpportunityNotification` = Id + sObject `ens:Opportunity`, namespaces http://soap.sforce.com/2005/09/outbound and
 * urn:sobject.enterprise.soap.sforce.com). The envelope layout, the `sf:` prefix, `xsi:type="sf:Opportunity"` and
 * `xsi:nil` SessionId follow a message recorded from Salesforce by Prismatic,
 * https://prismatic.io/docs/example-payloads/salesforce/triggers/webhook.json [community]; its OrganizationId,
 * ActionId and Notification Id are reused, the Opportunity's fields are the ones Onramp's mapping reads.
 */
export const SF_ORG_ID = '00D5e000000KQ2eEAG';
export const SF_OPPORTUNITY_ID = '0065e00000GxW2qAAF';
export const SF_NOTIFICATION_ID = '04l5e00000Gx7QzAAJ';
export const SF_EXAMPLE_OUTBOUND_MESSAGE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00D5e000000KQ2eEAG</OrganizationId>
   <ActionId>04k5e000000CaRkAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5e000000KQ2e</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5e000000KQ2e</PartnerUrl>
   <Notification>
    <Id>04l5e00000Gx7QzAAJ</Id>
    <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>0065e00000GxW2qAAF</sf:Id>
     <sf:AccountId>0015e00000ZkM3hAAF</sf:AccountId>
     <sf:LastModifiedDate>2026-12-05T10:00:00.000Z</sf:LastModifiedDate>
     <sf:Name>Acme Corporation - Managed Workspace</sf:Name>
     <sf:StageName>Closed Won</sf:StageName>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

/**
 * ConnectWise Manage callback for an Opportunity. Fields as ConnectWise's Developer Guide "Callbacks" describes
 * them (public mirror:
 * https://gitea.resolutionflow.com/chihlasm/resolutionflow/src/branch/main/docs/connectwise/best-practices/PSA-Callbacks.md),
 * named exactly as in NangoHQ/nango packages/server/lib/webhook/types.ts `ConnectWisePsaWebhookPayload`
 * (MessageId, FromUrl, CompanyId, MemberId, Action, Type, ID, ProductInstanceId, PartnerId, Entity as JSON text,
 * Metadata.key_url, CallbackObjectRecId) and its test's cloud key URL form
 * `https://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=...`
 * (connectwise-psa-webhook-routing.unit.test.ts) [community]. The Entity is an Opportunity as the Manage API returns
 * it (schema `Opportunity` of ConnectWise's OpenAPI document, as typed by connectwise-rest 1.3.0 ManageTypes).
 */
export function cwExampleCallback(opts: {
  keyUrl: string;
  companyId?: string;
  lastUpdated?: string;
  messageId?: string;
}) {
  const entity = {
    id: 4711,
    name: 'Acme Corporation - Managed Workspace',
    type: { id: 1, name: 'New Business' },
    stage: { id: 5, name: '5.Closed' },
    status: { id: 2, name: 'Won' },
    company: { id: 250, identifier: 'AcmeCorp', name: 'Acme Corporation' },
    contact: { id: 301, name: 'Ada Admin' },
    closedFlag: true,
    _info: { lastUpdated: opts.lastUpdated ?? '2026-12-05T10:00:00Z', updatedBy: 'jsmith' },
  };
  return {
    MessageId: opts.messageId ?? '6b5a8c1e-2f2d-4a7e-9d61-2b3f0c9a1e77',
    FromUrl: 'na.myconnectwise.net',
    CompanyId: opts.companyId ?? 'msptest',
    MemberId: 'jsmith',
    Action: 'updated',
    Type: 'opportunity',
    ID: 4711,
    ProductInstanceId: null,
    PartnerId: null,
    Entity: JSON.stringify(entity),
    Metadata: { key_url: opts.keyUrl },
    CallbackObjectRecId: 0,
  };
}
