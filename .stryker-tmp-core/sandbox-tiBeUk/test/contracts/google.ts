/**
 * Google contract: runtime schemas (zod) of the simulator's Admin SDK Directory and Cloud Identity responses,
 * each checked at compile time against the `googleapis` types generated from Google's Discovery documents
 * (`admin_directory_v1.Schema$…`, `cloudidentity_v1.Schema$…`). Strict objects: a field the Discovery
 * document does not have fails at runtime, a field typed differently fails to compile. Error bodies are
 * not in the Discovery documents: their shape is Google's JSON error format (AIP-193) plus Directory's
 * legacy `errors[]` (see docs/vendor-contracts.md).
 */
// @ts-nocheck

import type { admin_directory_v1 as dir, cloudidentity_v1 as ci } from 'googleapis';
import { z } from 'zod';
import type { AllTrue, Conforms } from './spec-check';

const etag = z.string();
export const gPrivilege: z.ZodType<dir.Schema$Privilege> = z.lazy(() =>
  z.strictObject({
    kind: z.literal('admin#directory#privilege'),
    etag,
    privilegeName: z.string(),
    serviceId: z.string(),
    serviceName: z.string(),
    isOuScopable: z.boolean(),
    childPrivileges: z.array(gPrivilege).optional(),
  })
);
export const gPrivileges = z.strictObject({
  kind: z.literal('admin#directory#privileges'),
  etag,
  items: z.array(gPrivilege),
});
export const gRole = z.strictObject({
  kind: z.literal('admin#directory#role'),
  etag,
  roleId: z.string().regex(/^\d+$/),
  roleName: z.string(),
  roleDescription: z.string(),
  rolePrivileges: z.array(z.strictObject({ privilegeName: z.string(), serviceId: z.string() })),
  isSystemRole: z.boolean(),
  isSuperAdminRole: z.boolean(),
});
export const gRoles = z.strictObject({
  kind: z.literal('admin#directory#roles'),
  etag,
  items: z.array(gRole),
  nextPageToken: z.string().optional(),
});
export const gRoleAssignment = z.strictObject({
  kind: z.literal('admin#directory#roleAssignment'),
  etag,
  roleAssignmentId: z.string(),
  roleId: z.string(),
  assignedTo: z.string(),
  assigneeType: z.enum(['USER', 'GROUP']),
  scopeType: z.enum(['CUSTOMER', 'ORG_UNIT']),
  orgUnitId: z.string().optional(),
  condition: z.string().optional(),
});
export const gRoleAssignments = z.strictObject({
  kind: z.literal('admin#directory#roleAssignments'),
  etag,
  items: z.array(gRoleAssignment),
  nextPageToken: z.string().optional(),
});
export const gOrgUnit = z.strictObject({
  kind: z.literal('admin#directory#orgUnit'),
  etag,
  name: z.string(),
  description: z.string(),
  orgUnitPath: z.string().startsWith('/'),
  orgUnitId: z.string().startsWith('id:'),
  parentOrgUnitPath: z.string().startsWith('/'),
  parentOrgUnitId: z.string().startsWith('id:'),
  blockInheritance: z.boolean(),
});
export const gOrgUnits = z.strictObject({
  kind: z.literal('admin#directory#orgUnits'),
  etag,
  organizationUnits: z.array(gOrgUnit),
});
export const gUser = z.strictObject({
  kind: z.literal('admin#directory#user'),
  id: z.string(),
  etag,
  primaryEmail: z.email(),
  name: z.strictObject({ givenName: z.string(), familyName: z.string(), fullName: z.string() }),
  isAdmin: z.boolean(),
  isDelegatedAdmin: z.boolean(),
  lastLoginTime: z.string(),
  creationTime: z.string(),
  agreedToTerms: z.boolean(),
  suspended: z.boolean(),
  archived: z.boolean(),
  changePasswordAtNextLogin: z.boolean(),
  ipWhitelisted: z.boolean(),
  emails: z.array(z.strictObject({ address: z.string(), primary: z.boolean() })),
  customerId: z.string(),
  orgUnitPath: z.string(),
  isMailboxSetup: z.boolean(),
  isEnrolledIn2Sv: z.boolean(),
  isEnforcedIn2Sv: z.boolean(),
  includeInGlobalAddressList: z.boolean(),
});
export const gUsers = z.strictObject({
  kind: z.literal('admin#directory#users'),
  etag,
  users: z.array(gUser),
  nextPageToken: z.string().optional(),
});
export const gGroup = z.strictObject({
  kind: z.literal('admin#directory#group'),
  id: z.string(),
  etag,
  email: z.string(),
  name: z.string(),
  directMembersCount: z.string().regex(/^\d+$/), // int64 in Discovery: a string on the wire
  description: z.string(),
  adminCreated: z.boolean(),
  nonEditableAliases: z.array(z.string()),
});
export const gMember = z.strictObject({
  kind: z.literal('admin#directory#member'),
  etag,
  id: z.string(),
  email: z.string(),
  role: z.enum(['MEMBER', 'MANAGER', 'OWNER']),
  type: z.enum(['USER', 'GROUP', 'CUSTOMER', 'EXTERNAL']),
  status: z.string(),
});
export const gMembers = z.strictObject({
  kind: z.literal('admin#directory#members'),
  etag,
  members: z.array(gMember),
  nextPageToken: z.string().optional(),
});
export const gHasMember = z.strictObject({ isMember: z.boolean() });

export const ciGroup = z.strictObject({
  name: z.string().regex(/^groups\/[^/]+$/),
  groupKey: z.strictObject({ id: z.string() }),
  parent: z.string().regex(/^customers\/C/),
  displayName: z.string(),
  description: z.string(),
  createTime: z.string(),
  updateTime: z.string(),
  labels: z.record(z.string(), z.string()),
});
export const ciLookup = z.strictObject({ name: z.string().regex(/^groups\//) });
export const ciOperation = z.strictObject({ done: z.boolean(), response: z.record(z.string(), z.unknown()) });

/** Directory's error body. */
export const gDirectoryError = z.strictObject({
  error: z.strictObject({
    code: z.number().int(),
    message: z.string(),
    errors: z.array(z.strictObject({ message: z.string(), domain: z.string(), reason: z.string() })).min(1),
    status: z.string().regex(/^[A-Z_]+$/),
    details: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});
/** Cloud Identity's error body (google.rpc.Status over JSON). */
export const gCloudIdentityError = z.strictObject({
  error: z.strictObject({
    code: z.number().int(),
    message: z.string(),
    status: z.string().regex(/^[A-Z_]+$/),
    details: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});

type I<T extends z.ZodType> = z.infer<T>;
/** Compile-time: each schema against the Discovery-generated type. */
export type GoogleContractChecks = AllTrue<
  [
    Conforms<I<typeof gPrivileges>, dir.Schema$Privileges>,
    Conforms<I<typeof gRole>, dir.Schema$Role>,
    Conforms<I<typeof gRoles>, dir.Schema$Roles>,
    Conforms<I<typeof gRoleAssignment>, dir.Schema$RoleAssignment>,
    Conforms<I<typeof gRoleAssignments>, dir.Schema$RoleAssignments>,
    Conforms<I<typeof gOrgUnit>, dir.Schema$OrgUnit>,
    Conforms<I<typeof gOrgUnits>, dir.Schema$OrgUnits>,
    Conforms<I<typeof gUser>, dir.Schema$User>,
    Conforms<I<typeof gUser>['name'], dir.Schema$UserName>,
    Conforms<I<typeof gUsers>, dir.Schema$Users>,
    Conforms<I<typeof gGroup>, dir.Schema$Group>,
    Conforms<I<typeof gMember>, dir.Schema$Member>,
    Conforms<I<typeof gMembers>, dir.Schema$Members>,
    Conforms<I<typeof gHasMember>, dir.Schema$MembersHasMember>,
    Conforms<I<typeof ciGroup>, ci.Schema$Group>,
    Conforms<I<typeof ciGroup>['groupKey'], ci.Schema$EntityKey>,
    Conforms<I<typeof ciLookup>, ci.Schema$LookupGroupNameResponse>,
    Conforms<I<typeof ciOperation>, ci.Schema$Operation>,
  ]
>;
