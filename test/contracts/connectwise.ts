/**
 * ConnectWise contract: runtime schemas (zod) of the simulator's responses, each checked at compile time
 * against the types `connectwise-rest` generates from ConnectWise's OpenAPI document
 * (`components['schemas'][…]`, model version 2022.1). Strict objects: a field the spec does not have
 * (like the old `module` on role settings) fails at runtime, a field typed differently fails to compile.
 */
import type { components } from 'connectwise-rest/dist/ManageTypes';
import { z } from 'zod';
import type { CwRoleSetting } from '../../src/activities/connectwise/permissions';
import type { SimAgreement, SimCatalogItem, SimCompany } from '../../src/simulators/connectwise/connectwise-state';
import type { AllTrue, Conforms } from './spec-check';

type S = components['schemas'];
const level = z.enum(['None', 'My', 'All']).nullable();
const info = z.record(z.string(), z.string());
const ref = z.strictObject({
  id: z.number().nullable().optional(),
  name: z.string().optional(),
  _info: info.optional(),
});
const companyRef = ref.extend({ identifier: z.string().optional() });

export const cwSecurityRoleSetting = z.strictObject({
  id: z.number(),
  addLevel: level,
  editLevel: level,
  deleteLevel: level,
  inquireLevel: level,
  moduleFunctionName: z.string(),
  moduleFunctionDescription: z.string().optional(),
  myAllFlag: z.boolean().nullable().optional(),
  moduleFunctionIdentifier: z.string().optional(),
  reportFlag: z.boolean().nullable().optional(),
  restrictFlag: z.boolean().nullable().optional(),
  customFlag: z.boolean().nullable().optional(),
  moduleDescription: z.string().optional(),
  moduleIdentifier: z.string().optional(),
  moduleName: z.string(),
  sortOrder: z.number().nullable().optional(),
  _info: info.optional(),
});
export const cwSecurityRole = z.strictObject({
  id: z.number(),
  name: z.string().max(30),
  adminFlag: z.boolean().nullable().optional(),
  inactiveFlag: z.boolean().nullable().optional(),
  _info: info.optional(),
});
export const cwMember = z.strictObject({
  id: z.number(),
  identifier: z.string().max(15),
  firstName: z.string().max(30),
  lastName: z.string().max(30),
  licenseClass: z.enum(['A', 'C', 'F', 'X']).nullable(),
  inactiveFlag: z.boolean().nullable().optional(),
  securityRole: ref.optional(),
  _info: info.optional(),
});
/** `GET /system/apiMembers`: the ApiMember schema (a name, no first/last name or licence class as Member has). */
export const cwApiMember = z.strictObject({
  id: z.number(),
  identifier: z.string().max(15),
  name: z.string().max(30).optional(),
  emailAddress: z.string().max(250).optional(),
  inactiveFlag: z.boolean().nullable().optional(),
  securityRole: ref.optional(),
  _info: info.optional(),
});
/** Company; on create at least one of the address fields is required (the schema's own description). */
export const cwCompany = z.strictObject({
  id: z.number(),
  identifier: z.string().max(25),
  name: z.string().max(50),
  status: ref.optional(),
  site: ref.optional(),
  addressLine1: z.string().max(50).optional(),
  addressLine2: z.string().max(50).optional(),
  city: z.string().max(50).optional(),
  state: z.string().max(50).optional(),
  zip: z.string().max(12).optional(),
  country: companyRef.optional(),
  _info: info.optional(),
});
export const cwAgreement = z.strictObject({
  id: z.number(),
  name: z.string(),
  type: ref,
  company: companyRef,
  startDate: z.string().optional(),
  cancelledFlag: z.boolean().nullable().optional(),
  _info: info.optional(),
});
export const cwCatalogItem = z.strictObject({
  id: z.number(),
  identifier: z.string(),
  description: z.string(),
  price: z.number().nullable().optional(),
  inactiveFlag: z.boolean().nullable().optional(),
  _info: info.optional(),
});
export const cwInfo = z.strictObject({
  version: z.string(),
  isCloud: z.boolean(),
  serverTimeZone: z.string().optional(),
  licenseBits: z.array(z.strictObject({ name: z.string().optional(), activeFlag: z.boolean().optional() })).optional(),
  cloudRegion: z.string().optional(),
});
export const cwCount = z.strictObject({ count: z.number().int() });
export const cwToken = z.strictObject({
  publicKey: z.string(),
  privateKey: z.string(),
  expiration: z.string().optional(),
});
const cwValidationError = z.strictObject({
  code: z.string().optional(),
  message: z.string().optional(),
  resource: z.string().optional(),
  field: z.string().optional(),
  details: z.string().optional(),
});
/**
 * ErrorResponseMessage with ValidationError items. The OpenAPI type has `errors` as an array; ConnectWise
 * sends `null` when there is no item (Developer Guide: `{"code":"Security","message":"SSL is required.","errors":null}`).
 */
export const cwError = z.strictObject({
  code: z.string(),
  message: z.string(),
  errors: z.array(cwValidationError).nullable(),
});
/**
 * `GET /login/companyinfo/{companyId}` is not in the OpenAPI document: fields from the Developer Guide
 * ("Codebase") and observed responses (SiteUrl). PascalCase as ConnectWise sends it.
 */
export const cwCompanyInfo = z.strictObject({
  CompanyName: z.string(),
  Codebase: z.string().regex(/^[A-Za-z0-9_.]+\/$/),
  VersionCode: z.string(),
  VersionNumber: z.string(),
  CompanyID: z.string(),
  IsCloud: z.boolean(),
  SiteUrl: z.string(),
});

type I<T extends z.ZodType> = z.infer<T>;
/** Compile-time: each schema, and the simulator's record types, against the OpenAPI components. */
export type ConnectwiseContractChecks = AllTrue<
  [
    Conforms<I<typeof cwSecurityRoleSetting>, S['SecurityRoleSetting']>,
    Conforms<I<typeof cwSecurityRole>, S['SecurityRole']>,
    Conforms<I<typeof cwMember>, S['Member']>,
    Conforms<I<typeof cwApiMember>, S['ApiMember']>,
    Conforms<I<typeof cwCompany>, S['Company']>,
    Conforms<I<typeof cwAgreement>, S['Agreement']>,
    Conforms<I<typeof cwCatalogItem>, S['CatalogItem']>,
    Conforms<I<typeof cwInfo>, S['Info']>,
    Conforms<I<typeof cwCount>, S['Count']>,
    Conforms<I<typeof cwToken>, S['Token']>,
    Conforms<Omit<I<typeof cwError>, 'errors'> & { errors?: I<typeof cwValidationError>[] }, S['ErrorResponseMessage']>,
    // What Onramp's permission check reads must be fields the spec has (issue 10: it read `module`).
    Conforms<CwRoleSetting, S['SecurityRoleSetting']>,
    Conforms<SimCompany, S['Company']>,
    Conforms<SimAgreement, S['Agreement']>,
    Conforms<SimCatalogItem, S['CatalogItem']>,
  ]
>;
