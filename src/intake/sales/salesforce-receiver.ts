/**
 * The Salesforce receiver behind `POST /v1/sales/salesforce?token=<token>`: the outbound-message checks of
 * src/webhooks/sales/salesforce-outbound.ts (token, organization, Opportunity notifications), answered with the
 * SOAP Ack Salesforce needs. The route answers 5xx (no Ack: Salesforce redelivers) only when the events could not
 * be handed to their deals; a redelivery then starts nothing twice (one workflow per deal).
 */
import type { SalesforceSystemSettings } from '../../domain/sales-salesforce-schema';
import { acknowledgement, verify } from '../../webhooks/sales/salesforce-outbound';
import type { SalesReceiverFactory } from './sales-receiver';

export const salesforceReceiver: SalesReceiverFactory<SalesforceSystemSettings> = async (ctx) => {
  const config = {
    organizationId: ctx.settings.organizationId,
    pathToken: await ctx.resolveSecret(ctx.settings.outboundPathTokenRef),
  };
  return {
    system: 'salesforce',
    async receive(req) {
      return verify(req, config);
    },
    acknowledge: () => {
      const ack = acknowledgement();
      return { status: ack.status, contentType: 'text/xml; charset=utf-8', body: ack.body };
    },
  };
};
