// @ts-nocheck
import { createHmac } from 'node:crypto';
import { registerSecret } from '../secrets/scrub';

/**
 * The secretKey of an Onramp-created Autotask webhook, derived from a master signing key and the webhook's
 * name. The activity that creates the webhook and the receiver that verifies its callouts compute the same
 * value, so the generated secret never has to be stored or passed through workflow history.
 * 43 characters: within Autotask's 64, well above its recommended 10.
 */
export function deriveAutotaskWebhookSecret(masterKey: string, webhookName: string): string {
  const secret = createHmac('sha256', masterKey)
    .update(`onramp:autotask-webhook:v1:${webhookName}`)
    .digest('base64url');
  registerSecret(secret);
  return secret;
}

/** The URL a webhook calls: distinct per webhook, because Autotask collapses identical callouts (same URL). */
export function webhookCalloutUrl(baseUrl: string, webhookName: string): string {
  const u = new URL(baseUrl);
  u.searchParams.set('webhook', webhookName);
  return u.href;
}
