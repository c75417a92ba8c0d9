import { z } from 'zod';
import { isLoopbackUrl, secretRef } from './field-validators';
import { SALESFORCE_ORG_PREFIX, salesforceId18 } from '../rules/sales-system-rules';

/**
 * The `salesforce` block of a deployment's sales mapping file: which organization may send outbound messages,
 * and how Onramp reads the Opportunity afterwards (REST API through jsforce, OAuth 2.0 client credentials flow of
 * an External Client App / Connected App: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm).
 * Secrets travel as references only (`env:`, `file:`, `store:`), resolved by the intake and the worker.
 */

/** A URL Onramp calls or is called on: https, or http on this machine (the simulators). */
export const httpsUrl = (what: string, example: string) =>
  z
    .string()
    .trim()
    .refine((s) => {
      try {
        const u = new URL(s);
        return !u.username && !u.password && (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackUrl(u)));
      } catch {
        return false;
      }
    }, `${what} must be an https URL like ${example} (http only for a simulator on this machine), without credentials`)
    .transform((s) => s.replace(/\/+$/, ''));

export const salesforceOrganizationId = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    if (!s.startsWith(SALESFORCE_ORG_PREFIX) || !salesforceId18(s))
      ctx.addIssue({
        code: 'custom',
        message:
          'must be the Salesforce organization ID (15 or 18 characters starting with 00D, Setup > Company Information > Salesforce.com Organization ID); an 18-character ID must keep its last 3 characters as Salesforce shows them',
      });
  })
  .transform((s) => salesforceId18(s)!);

export const salesforceSystemSchema = z.strictObject({
  /** Outbound messages from any other organization are refused (403). */
  organizationId: salesforceOrganizationId,
  /** Where the token is requested: the org's My Domain URL (the client credentials flow needs it, not login.salesforce.com). */
  loginUrl: httpsUrl('loginUrl', 'https://acme.my.salesforce.com'),
  /** The External Client App's (or Connected App's) Consumer Key. */
  clientId: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9._]{20,256}$/,
      "must be the app's Consumer Key (Setup > External Client App Manager > OAuth settings)"
    ),
  clientSecretRef: secretRef('clientSecretRef (the Consumer Secret)'),
  /**
   * The secret token of the Endpoint URL typed in the outbound message:
   * `https://<intake>/v1/sales/salesforce?token=<token>` (or as the URL's last path segment). Outbound messages are not signed; see src/webhooks/sales/salesforce-outbound.ts.
   */
  outboundPathTokenRef: secretRef('outboundPathTokenRef (the endpoint path token)'),
  /** REST API version the reader asks for. */
  apiVersion: z
    .string()
    .trim()
    .regex(/^\d{2,3}\.0$/, 'must be a Salesforce API version like 62.0')
    .default('62.0'),
});
export type SalesforceSystemSettings = z.output<typeof salesforceSystemSchema>;
