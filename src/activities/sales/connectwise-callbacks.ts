import type { ConnectwiseSalesSystemSettings } from '../../domain/sales-connectwise-schema';
import { cwString } from '../connectwise/connectwise-client';
import { manageClient, type ConnectwiseReaderOptions } from './connectwise-deal-reader';

/**
 * Registers the ConnectWise callback Onramp's receiver listens to: every Opportunity of the company (type
 * Opportunity, level Owner) posted to `callbackUrl`. Idempotent: the callbacks pointing at `callbackUrl` with type
 * Opportunity are looked up first (`GET /system/callbacks?conditions=...`), and one is created
 * (`POST /system/callbacks`) only when none exists, so running it again (CLI, sandbox, every start) changes nothing.
 * CallbackEntry fields (description, url, objectId, type, level, inactiveFlag) per ConnectWise's OpenAPI document
 * (schema CallbackEntry, as typed by connectwise-rest 1.3.0) and the Developer Guide's "Callbacks" (levels and
 * types; vendor-apis.md C7). objectId 1 for level Owner [community: the level has no object of its own].
 * Callable from the CLI or as an activity; failures are classified like the reader's.
 */
export const CALLBACK_DESCRIPTION = 'Onramp: won opportunities start onboardings';

export interface CallbackRegistration {
  id: number;
  created: boolean;
  /** The callback exists but ConnectWise marked it inactive (e.g. after 3 days of failed deliveries). */
  inactive: boolean;
}

export async function ensureOpportunityCallback(
  settings: ConnectwiseSalesSystemSettings,
  resolveSecret: (ref: string) => Promise<string>,
  opts: ConnectwiseReaderOptions = {}
): Promise<CallbackRegistration> {
  const { cw, get } = manageClient(settings, await resolveSecret(settings.privateKeyRef), opts);
  const conditions = `url=${cwString(settings.callbackUrl)} and type=${cwString('Opportunity')}`;
  const existing = await get('callbacks', '/system/callbacks', () =>
    cw.SystemAPI.getSystemCallbacks({ conditions, pageSize: 1000 })
  );
  const found = existing.find((c) => c.url === settings.callbackUrl);
  if (found?.id) return { id: found.id, created: false, inactive: found.inactiveFlag === true };
  const made = await get('callback registration', '/system/callbacks', () =>
    cw.SystemAPI.postSystemCallbacks({
      description: CALLBACK_DESCRIPTION,
      url: settings.callbackUrl,
      objectId: 1,
      type: 'Opportunity',
      level: 'Owner',
      inactiveFlag: false,
    })
  );
  return { id: made.id!, created: true, inactive: false };
}
