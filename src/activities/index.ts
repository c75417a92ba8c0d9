import { createConnectwiseActivities, readCurrentConnectwiseKey, type ConnectwiseSettings } from './connectwise';
import { CurrentCredentials } from '../secrets/current-credentials';
import { createAutotaskActivities } from './autotask/activities';
import type { AutotaskSettings } from './autotask/autotask-client';
import type { GoogleAdminSettings } from './google/admin-client';
import { createAdminRoleActivities } from './google/admin-roles';
import { createDelegationActivities } from './google/delegation';
import type { GoogleAuthSettings } from './google/token';
import { createLimiterStore, type LimiterSettings, type LimiterStore } from './limits/limiters';
import { createEmailActivities, type MailSettings } from './notify/email';
import { createNotifyActivities, type NotifySettings } from './notify/webhook';
import { createOnrampStateActivities, type OnrampStateSettings } from './onramp';
import { createCredentialLifecycleActivities } from './onramp/credentials';
import { createSalesActivities, type SalesActivitySettings } from './sales';

export interface ActivityDeps {
  google: GoogleAuthSettings;
  notify: NotifySettings;
  /** The e-mail channel to the humans of waiting steps; without it (or its SMTP URL) no e-mail is sent. */
  mail?: MailSettings;
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
  /** Sales deals (issue 26): the mapping, the intake's order check, readers; without it the sales activities refuse by name. */
  sales?: SalesActivitySettings;
}

/**
 * Every activity Onramp registers, built from its dependencies (endpoints, settings) so tests and the
 * sandbox inject simulators and production injects the real vendors. Workflows see only the type.
 */
export function createActivities(deps: ActivityDeps, limiterStore: LimiterStore = createLimiterStore(deps.limits)) {
  // An order's drift check reads the ConnectWise key a rotation switched to from the same record the rotation
  // writes: the secret store's when the worker has one, else the file record.
  const dir = deps.connectwise?.currentCredentialsDir;
  const current = deps.connectwise?.currentCredentials ?? (dir ? new CurrentCredentials(dir) : undefined);
  const onramp: OnrampStateSettings | undefined = deps.onramp && {
    currentConnectwiseKey: (customer) => readCurrentConnectwiseKey(current, customer),
    ...deps.onramp,
  };
  return {
    ...createDelegationActivities({ ...deps.google, apiRootUrl: deps.googleAdmin?.apiRootUrl }),
    ...createNotifyActivities(deps.notify),
    ...createEmailActivities(deps.mail ?? { from: 'Onramp <onramp@onramp.invalid>' }),
    ...createAutotaskActivities({ ...deps.autotask, limiterStore }),
    ...createConnectwiseActivities({ ...deps.connectwise, limiterStore }),
    ...createAdminRoleActivities({ ...deps.google, ...deps.googleAdmin, limiterStore }),
    ...createOnrampStateActivities(onramp),
    ...createCredentialLifecycleActivities(),
    ...createSalesActivities({ client: deps.onramp?.client, ...(deps.sales ?? { validateOrder: () => [] }) }),
  };
}

export type OnrampActivities = ReturnType<typeof createActivities>;
