/**
 * The ConnectWise receiver behind `POST /v1/sales/connectwise`: the callback checks of
 * src/webhooks/sales/connectwise-callback.ts (x-content-signature with the signing key fetched from the configured
 * site only, cached; company; Opportunity; stale; replayed MessageId). A key endpoint that does not answer
 * (CallbackKeyUnavailable) is not the sender's fault and passes through: the route should answer it, like a
 * failed hand-over, with 429, because ConnectWise retries only after 404/409/419/429 (never after a 5xx).
 */
import { readFileSync } from 'node:fs';
import type { ConnectwiseSalesSystemSettings } from '../../domain/sales-connectwise-schema';
import { callbackKeyFetcher, verify } from '../../webhooks/sales/connectwise-callback';
import { replayMemory } from '../../webhooks/sales/sales-refusal';
import type { SalesReceiverFactory } from './sales-receiver';

export const connectwiseReceiver: SalesReceiverFactory<ConnectwiseSalesSystemSettings> = (ctx) => {
  const config = {
    companyId: ctx.settings.companyId,
    site: ctx.settings.site,
    keys: callbackKeyFetcher(ctx.settings.caFile ? { ca: readFileSync(ctx.settings.caFile, 'utf8') } : {}),
    replay: replayMemory(),
  };
  return Promise.resolve({
    system: 'connectwise',
    async receive(req) {
      return await verify(req, config);
    },
    acknowledge: () => ({ status: 200, contentType: 'application/json', body: '{}' }),
  });
};
