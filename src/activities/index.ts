import { createDelegationActivities } from './google/delegation';
import type { GoogleAuthSettings } from './google/token';
import { createNotifyActivities, type NotifySettings } from './notify/webhook';

export interface ActivityDeps {
  google: GoogleAuthSettings;
  notify: NotifySettings;
}

/**
 * Every activity Onramp registers, built from its dependencies (endpoints, settings) so tests and the
 * sandbox inject simulators and production injects the real vendors. Workflows see only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDelegationActivities(deps.google),
    ...createNotifyActivities(deps.notify),
  };
}

export type OnrampActivities = ReturnType<typeof createActivities>;
