import { createConnectwiseActivities, type ConnectwiseSettings } from './connectwise';
import { createAutotaskActivities } from './autotask/activities';
import type { AutotaskSettings } from './autotask/client';
import type { GoogleAdminSettings } from './google/admin-client';
import { createAdminRoleActivities } from './google/admin-roles';
import { createDelegationActivities } from './google/delegation';
import type { GoogleAuthSettings } from './google/token';
import { createNotifyActivities, type NotifySettings } from './notify/webhook';

export interface ActivityDeps {
  google: GoogleAuthSettings;
  notify: NotifySettings;
  /** Optional: without it only ConnectWise's own cloud hosts are allowed. */
  connectwise?: ConnectwiseSettings;
  /** Optional: without it only https://webservicesN.autotask.net zones are trusted. */
  autotask?: AutotaskSettings;
  /** Optional: Directory / Cloud Identity root URL and quota; without it Google's own hosts and 2,400 queries/min. */
  googleAdmin?: Omit<GoogleAdminSettings, keyof GoogleAuthSettings>;
}

/**
 * Every activity Onramp registers, built from its dependencies (endpoints, settings) so tests and the
 * sandbox inject simulators and production injects the real vendors. Workflows see only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDelegationActivities(deps.google),
    ...createNotifyActivities(deps.notify),
    ...createAutotaskActivities(deps.autotask ?? {}),
    ...createConnectwiseActivities(deps.connectwise),
    ...createAdminRoleActivities({ ...deps.google, ...deps.googleAdmin }),
  };
}

export type OnrampActivities = ReturnType<typeof createActivities>;
