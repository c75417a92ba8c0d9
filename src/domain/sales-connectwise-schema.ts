import { z } from 'zod';
import { clientIdSchema, connectwiseCompanyId, connectwiseSite, privateKeyRef, publicKey } from './connectwise-schema';
import { httpsUrl } from './sales-salesforce-schema';

/**
 * The `connectwise` block of a deployment's sales mapping file: the ConnectWise Manage (PSA) site and API member
 * Onramp reads opportunities with (connectwise-rest), and the callback URL Onramp registers through
 * `/system/callbacks`. Same fields as an onboarding's connection (src/domain/connectwise-schema.ts), the private
 * key by reference only.
 */
export const connectwiseSalesSystemSchema = z.strictObject({
  site: connectwiseSite,
  companyId: connectwiseCompanyId,
  publicKey,
  privateKeyRef,
  clientId: clientIdSchema,
  /** The codebase in API URLs (`/v4_6_release/apis/3.0`); cloud sites accept v4_6_release. */
  codebase: z
    .string()
    .trim()
    .regex(/^v[0-9a-z_]{1,30}$/, 'must be a ConnectWise codebase like v4_6_release (no slashes)')
    .default('v4_6_release'),
  /**
   * A PEM file of the CA that signed the site's TLS certificate, when it is not a public one (an on-premises
   * site with an internal CA; the sandbox's simulator). Cloud sites need none.
   */
  caFile: z.string().trim().min(1, 'must be the path of a PEM file').optional(),
  /** Where ConnectWise posts opportunity callbacks: this intake's `/v1/sales/connectwise`, reachable from ConnectWise. */
  callbackUrl: httpsUrl('callbackUrl', 'https://onramp.msp.example/v1/sales/connectwise'),
});
export type ConnectwiseSalesSystemSettings = z.output<typeof connectwiseSalesSystemSchema>;
