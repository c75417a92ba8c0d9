/**
 * Vendor profiles: what each vendor's integration needs, as configuration held by the vendor's deployment (a
 * file the worker and the clients load, ONRAMP_VENDOR_PROFILES), never as order fields an operator types. An
 * order names its profile (`vendorProfile: "sophos-central"`). Zod-free: src/domain/vendor-profile-schema.ts
 * validates the file and checks at compile time that it gives exactly these shapes.
 */
import type { AutotaskAction } from './autotask-onboarding-messages';

/** One right the vendor's integration needs on the API user's security level. */
export interface AutotaskRightV1 {
  /** REST entity, e.g. "Tickets". */
  entity: string;
  actions: AutotaskAction[];
  /** Where an administrator grants it, as the vendor's guide words it. */
  grantedBy: string;
}

/** What an Autotask integration of this vendor needs (seeds 001 Office Protect, 004 Sophos Central). */
export interface AutotaskVendorProfileV1 {
  /**
   * The Integration Vendor the administrator selects on the API user (API Tracking Identifier section), exactly
   * as Autotask's dropdown lists it; it cannot be changed once the user is saved.
   */
  integrationVendor: string;
  /**
   * Reference (env:, file:, store:) to the vendor's tracking identifier (the ApiIntegrationCode header). Only the
   * vendor holds it (Autotask help "The API tracking identifier"): the worker resolves it per call, it never
   * enters history, logs or messages.
   */
  trackingIdentifierRef: string;
  /** Whether the vendor's guide has a webhook step (seed 004 yes, seed 001 no). */
  webhooks: boolean;
  /** The rights the guide grants on the security level. */
  rights: AutotaskRightV1[];
  /** Lines of business the guide associates the API user with (seed 004), "Division > Line of business". */
  linesOfBusiness: string[];
  /** "Resource can view items with no assigned line of business" (seed 004). */
  viewItemsWithoutLineOfBusiness: boolean;
}

export interface VendorProfileV1 {
  /** The vendor's display name, e.g. "Sophos Central". */
  name: string;
  autotask?: AutotaskVendorProfileV1;
  /** Listed for the Google integrations (wired by their workflows). */
  google?: { scopes: string[] };
  /** Listed for ConnectWise (wired by its workflows). */
  connectwise?: { roleAreas: string[] };
}

/** The profile file: profiles by slug. */
export interface VendorProfilesFileV1 {
  profiles: Record<string, VendorProfileV1>;
}

/** What the workflows learn of an Autotask profile: everything but the tracking identifier's reference. */
export type AutotaskVendorProfileView = Omit<AutotaskVendorProfileV1, 'trackingIdentifierRef'> & {
  profile: string;
  vendorName: string;
};
