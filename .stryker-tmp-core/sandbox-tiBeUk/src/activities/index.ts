// @ts-nocheck
import { createConnectwiseActivities, type ConnectwiseSettings } from './connectwise';
import { createAutotaskActivities } from './autotask/activities';
import type { AutotaskSettings } from './autotask/client';
import type { GoogleAdminSettings } from './google/admin-client';
import { createAdminRoleActivities } from './google/admin-roles';
import { createDelegationActivities } from './google/delegation';
import type { GoogleAuthSettings } from './google/token';
import { createLimiterStore, type LimiterSettings, type LimiterStore } from './limits/limiters';
import { createNotifyActivities, type NotifySettings } from './notify/webhook';
import { createOnrampStateActivities, type OnrampStateSettings } from './onramp';

export interface ActivityDeps {
  google: GoogleAuthSettings;
  notify: NotifySettings;
  /** Optional: without it only ConnectWise's own cloud hosts are allowed. */
  connectwise?: ConnectwiseSettings;
  /** Optional: without it only https://webservicesN.autotask.net zones are trusted. */
  autotask?: AutotaskSettings;
  /** Optional: Directory / Cloud Identity root URL and quota; without it Google's own hosts and 2,400 queries/min. */
  googleAdmin?: Omit<GoogleAdminSettings, keyof GoogleAuthSettings | 'limiterStore'>;
  /** Where the vendor limiters keep their state: PostgreSQL shared by every worker, or (default) this process. */
  limits?: LimiterSettings;
  /** Onramp's own state in Temporal (drift checks read the order's progress); without it those activities refuse. */
  onramp?: OnrampStateSettings;
}

/**
 * Every activity Onramp registers, built from its dependencies (endpoints, settings) so tests and the
 * sandbox inject simulators and production injects the real vendors. Workflows see only the type.
 */
export function createActivities(deps: ActivityDeps, limiterStore: LimiterStore = createLimiterStore(deps.limits)) {
  return {
    ...createDelegationActivities(deps.google),
    ...createNotifyActivities(deps.notify),
    ...createAutotaskActivities({ ...deps.autotask, limiterStore }),
    ...createConnectwiseActivities({ ...deps.connectwise, limiterStore }),
    ...createAdminRoleActivities({ ...deps.google, ...deps.googleAdmin, limiterStore }),
    ...createOnrampStateActivities(deps.onramp),
  };
}

export type OnrampActivities = ReturnType<typeof createActivities>;
