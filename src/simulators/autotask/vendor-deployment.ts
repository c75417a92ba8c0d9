import { provideEnv } from '../../config';
import type { VendorProfilesFile } from '../../domain/vendor-profile-schema';
import { vendorTrackingIdentifier } from './admin/autotask-admin-user-routes';

/**
 * The sandbox and the tests play each vendor's deployment, which alone holds its tracking identifier (Autotask
 * help, "The API tracking identifier"): for every Autotask profile whose `trackingIdentifierRef` is an `env:`
 * reference, this process gets that variable set to the simulator's code for the profile's Integration Vendor.
 * Nothing reaches an Autotask admin: the simulator's admin API never shows a listed vendor's code.
 */
export function playVendorDeployments(profiles: VendorProfilesFile): VendorProfilesFile {
  for (const p of Object.values(profiles.profiles)) {
    const ref = p.autotask?.trackingIdentifierRef;
    const code = p.autotask && vendorTrackingIdentifier(p.autotask.integrationVendor);
    if (ref?.startsWith('env:') && code) provideEnv(ref.slice(4), code);
  }
  return profiles;
}
