import { z } from 'zod';
import { secretRef } from './field-validators';

/**
 * The `systems.hubspot` block of the sales mapping file: how Onramp hears from one HubSpot account (portal)
 * and reads its deals. Secrets by reference only (`env:`, `file:`, `store:`).
 */
export const hubspotSystemSchema = z.strictObject({
  /** The HubSpot account (portal, "Hub ID") whose events are accepted: any other portal is refused (403). */
  portalId: z
    .union([z.string(), z.number()], { error: 'is required: the HubSpot account ID (Hub ID), e.g. "62515"' })
    .transform(String)
    .pipe(z.string().regex(/^\d{1,20}$/, 'must be the HubSpot account ID (Hub ID): digits, e.g. "62515"')),
  /** The app's client secret: the key of X-HubSpot-Signature-v3 (webhook subscriptions and workflow webhooks). */
  clientSecretRef: secretRef('clientSecretRef'),
  /** A private app's access token (or an OAuth access token) with crm.objects.deals.read, companies, contacts, line items. */
  accessTokenRef: secretRef('accessTokenRef'),
  /**
   * The webhook URL exactly as entered in HubSpot (target URL / "Send a webhook" URL): its scheme and host are
   * part of what HubSpot signs, and a proxy in front of the intake hides them.
   */
  webhookUrl: z.url({ error: 'must be the URL HubSpot posts to, e.g. https://onramp.example.com/v1/sales/hubspot' }),
  /** The CRM API's base URL; only the sandbox and tests change it (to the simulator). */
  apiBaseUrl: z.url({ error: 'must be a URL, e.g. https://api.hubapi.com' }).default('https://api.hubapi.com'),
});
export type HubspotSystemSettings = z.output<typeof hubspotSystemSchema>;
