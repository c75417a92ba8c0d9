import { z } from 'zod';
import type { Mutual } from './type-equality';
import {
  domainName,
  editDistance,
  emailAddress,
  emailDomain,
  isWithinDomain,
  parseOrThrow,
  secretRef,
} from './field-validators';
export * from '../rules/google-admin-roles-rules';
import { MEMBER_ROLES, MEMBERS_INLINE_MAX, withCustomerIdPrefix } from '../rules/google-admin-roles-rules';
import type {
  AdminRoleInputV1,
  AdminRoleRequestV1,
  MembersFromV1,
  ProvisioningLedger,
} from '../contract/google-admin-roles-messages';

/**
 * Seed 003 (Workspace for Education: custom admin roles for Classroom analytics and temporary class
 * access): a security group, its members, a custom admin role, and its assignment to the group per org unit.
 */

/**
 * Cloud Identity wants the customer ID with its "C" prefix (C046psxkn); the Admin console often shows it
 * without. Normalised once here; each API call derives the form it needs.
 */
/**
 * The form of a Google customer ID: "C0" and 7 lower-case letters or digits, as every documented example has it
 * (C046psxkn in the Cloud Identity guide of seed 003 and Alert Center's "046psxkn" with the C stripped; C03xgje4y in
 * the Directory guide "Manage customers"); an eighth character is tolerated ([guess]: Google publishes no grammar).
 */
const GOOGLE_CUSTOMER_ID = /^C0[0-9a-z]{7,8}$/;

export const googleCustomerId = z
  .string()
  .trim()
  .transform(withCustomerIdPrefix)
  .pipe(
    z
      .string()
      .regex(
        GOOGLE_CUSTOMER_ID,
        'must be the Google customer ID from Admin console > Account > Account settings: "C0" and 7 letters or digits (e.g. C046psxkn, or 046psxkn without the C), not "my_customer" (Cloud Identity needs the ID itself) or a domain'
      )
  );

const orgUnitPath = z
  .string()
  .trim()
  .regex(/^\/[^/].*[^/]$|^\/[^/]$/, 'must be an org unit path like /Students (leading slash, no trailing slash)');

const memberSchema = z
  .strictObject({
    email: emailAddress,
    role: z.enum(MEMBER_ROLES, { error: 'must be MEMBER, MANAGER or OWNER' }).default('MEMBER'),
    /** GROUP for a nested security group: Google only accepts them as MEMBER. */
    type: z.enum(['USER', 'GROUP'], { error: 'must be USER or GROUP' }).default('USER'),
  })
  .refine((m) => m.type === 'USER' || m.role === 'MEMBER', {
    message: 'a group can only be added with role MEMBER: set role to MEMBER or remove the entry',
    path: ['role'],
  });

const privilegeName = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]+$/, 'must be a privilege name as privileges.list returns it, e.g. EDU_ANALYTICS_DATA_ACCESS');

/** What an apply run created (and only that), so undo removes nothing it did not make. */
export const ledgerSchema = z.strictObject({
  groupName: z.string().optional(),
  groupCreated: z.boolean(),
  membersAdded: z.array(z.string()),
  roleId: z.string().optional(),
  roleCreated: z.boolean(),
  assignmentIds: z.array(z.string()),
  membersAddedByReference: z.number().int().min(0).optional(),
});

export const adminRoleInputSchema = z
  .strictObject({
    /** apply: create what is missing; plan: report only, write nothing; undo: remove what `undo.ledger` says an apply created. */
    mode: z.enum(['apply', 'plan', 'undo']).default('apply'),
    customer: z.strictObject({ domain: domainName, customerId: googleCustomerId }),
    /** The admin Onramp impersonates (domain-wide delegation must be granted for ADMIN_ROLE_SCOPES). */
    adminEmail: emailAddress,
    vendor: z
      .strictObject({ name: z.string().trim().min(1, 'name the vendor').max(100) })
      .default({ name: 'Google Workspace for Education' }),
    serviceAccount: z.strictObject({ email: emailAddress, keyRef: secretRef('serviceAccount.keyRef') }),
    group: z.strictObject({
      email: emailAddress,
      displayName: z.string().trim().min(1, 'give the group a display name').max(120),
      description: z.string().trim().max(4096).default(''),
      /** EMPTY: no initial owner (only super and groups admins may use it); WITH_INITIAL_OWNER: the impersonated admin owns it. */
      initialGroupConfig: z.enum(['EMPTY', 'WITH_INITIAL_OWNER']).default('EMPTY'),
    }),
    members: z
      .array(memberSchema)
      .default([])
      .superRefine((members, ctx) => {
        if (members.length > MEMBERS_INLINE_MAX) {
          ctx.addIssue({
            // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
            code: 'custom',
            message: `${members.length.toLocaleString('en-US')} inline, more than ${MEMBERS_INLINE_MAX.toLocaleString('en-US')}; give membersFrom: {orgUnit|group|csv} instead (an org unit path, another group's email, or file:/path/members.csv), or split the list`,
          });
          return;
        }
        const seen = new Map<string, number>();
        members.forEach((m, i) => {
          const first = seen.get(m.email);
          if (first !== undefined)
            ctx.addIssue({
              // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
              code: 'custom',
              path: [i, 'email'],
              message: `duplicate of members.${first}: list each member once`,
            });
          else seen.set(m.email, i);
        });
      }),
    /** Members by reference, resolved by the worker page by page: exactly one of orgUnit, group, csv. */
    membersFrom: z
      .strictObject({
        orgUnit: orgUnitPath.optional(),
        group: emailAddress.optional(),
        csv: z
          .string()
          .trim()
          .regex(
            /^file:\/[^\0]*\.csv$/i,
            'must be file:/absolute/path/members.csv, a file on the worker (one member per line: email[,role[,type]])'
          )
          .optional(),
        role: z.enum(MEMBER_ROLES, { error: 'must be MEMBER, MANAGER or OWNER' }).optional(),
      })
      .optional(),
    role: z.strictObject({
      name: z.string().trim().min(1, 'name the role, e.g. "Education Admin"').max(100),
      description: z.string().trim().max(1000).default(''),
      privileges: z
        .array(privilegeName)
        .min(1, 'list at least one privilege, e.g. EDU_ANALYTICS_DATA_ACCESS or ADMIN_OVERSIGHT_MANAGE_CLASSES')
        .refine((p) => new Set(p).size === p.length, 'list each privilege once'),
    }),
    /** Who receives the role: the group above (default) or one user. */
    assignee: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('group') }),
        z.strictObject({ type: z.literal('user'), email: emailAddress }),
      ])
      .default({ type: 'group' }),
    scope: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('ORG_UNIT'),
          orgUnitPaths: z
            .array(orgUnitPath)
            .min(
              1,
              'list at least one org unit path (the seed recommends the students and the teachers OU), or use type CUSTOMER'
            )
            .refine((p) => new Set(p).size === p.length, 'list each org unit once'),
        }),
        z.strictObject({ type: z.literal('CUSTOMER') }),
      ])
      .default({ type: 'CUSTOMER' }),
    membership: z
      .strictObject({
        /** How long to wait for added members to become visible before assigning the role (nested groups: up to 10 min). */
        propagationTimeoutMinutes: z.number().positive().max(120).default(15),
        pollSeconds: z.number().positive().max(600).default(10),
        /** Members per activity: each batch is one retryable unit with per-member progress. */
        batchSize: z.number().int().min(1).max(1000).default(250),
        /** Member pages per run before continuing as new (default 20). */
        pagesPerRun: z.number().int().min(1).max(100).optional(),
      })
      .default({ propagationTimeoutMinutes: 15, pollSeconds: 10, batchSize: 250 }),
    /** Required in undo mode: the ledger an apply run returned. */
    undo: z.strictObject({ ledger: ledgerSchema }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'undo' && !v.undo) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['undo', 'ledger'],
        message: 'undo needs the ledger returned by the apply run (its result.ledger)',
      });
    }
    if (!isWithinDomain(emailDomain(v.adminEmail), v.customer.domain)) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['adminEmail'],
        message: `must be an admin of ${v.customer.domain} (an address at ${v.customer.domain}): Onramp acts as this admin inside that Workspace`,
      });
    }
    v.members.forEach((m, i) => {
      // A group can never contain itself (Google refuses the cycle); caught here, before the group is created.
      if (m.email === v.group.email) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
          code: 'custom',
          path: ['members', i, 'email'],
          message: `is the group itself (group.email): a group cannot be its own member; remove this entry`,
        });
      }
    });
    if (v.membersFrom) refineMembersFrom(v.membersFrom, v.group.email, ctx);
    if (v.assignee.type === 'user' && v.group.email === v.assignee.email) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
        code: 'custom',
        path: ['assignee', 'email'],
        message: 'the assignee is a user: give a user email, or use type "group" for the group',
      });
    }
  });

/** membersFrom: exactly one source; a group cannot draw its members from itself; role fits the source. */
function refineMembersFrom(from: MembersFromV1, groupEmail: string, ctx: z.RefinementCtx): void {
  const given = (['orgUnit', 'group', 'csv'] as const).filter((k) => from[k] !== undefined);
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: the issue code is never shown or read (describeIssues reports path and message)
      code: 'custom',
      path: ['membersFrom', ...path],
      message,
    });
  if (given.length !== 1)
    issue(
      [],
      `give exactly one of orgUnit ("/Teachers"), group ("all-teachers@…") or csv ("file:/path/members.csv")${given.length ? `, not ${given.join(' and ')}` : ''}`
    );
  if (from.group !== undefined && from.group === groupEmail)
    issue(['group'], 'is the group itself (group.email): a group cannot draw its members from itself');
  if (from.csv !== undefined && from.role !== undefined)
    issue(['role'], 'a CSV gives each row its role (email,role,type): remove membersFrom.role');
}

export type AdminRoleRequest = z.input<typeof adminRoleInputSchema>;
export type AdminRoleInput = z.output<typeof adminRoleInputSchema>;

/**
 * The live schema must still give the frozen version 1 (src/contract/google-admin-roles-messages.ts), both
 * ways: a schema change that alters the shape fails typecheck here, and needs a new input version.
 */
export const adminRoleInputIsV1: Mutual<AdminRoleInput, AdminRoleInputV1> = true;
export const adminRoleRequestIsV1: Mutual<AdminRoleRequest, AdminRoleRequestV1> = true;
export const ledgerIsV1: Mutual<z.infer<typeof ledgerSchema>, ProvisioningLedger> = true;

export function parseAdminRoleInput(value: unknown): AdminRoleInput {
  return parseOrThrow(adminRoleInputSchema, value, 'Google admin role provisioning input');
}

/** Business key: one provisioning per customer, group and role; plan and undo runs get their own suffix. */
export function adminRoleWorkflowId(input: Pick<AdminRoleInput, 'customer' | 'group' | 'role' | 'mode'>): string {
  const base = `google-admin-roles:${input.customer.customerId}:${input.group.email}:${input.role.name.toLowerCase().replace(/\s+/g, '-')}`;
  return input.mode === 'apply' ? base : `${base}:${input.mode}`;
}

/** Cloud Identity's `groups/{id}` → the ID the Directory API and role assignments use. */
export function groupIdFromName(name: string): string {
  return name.replace(/^groups\//, '');
}

/** Names within a small edit distance (or sharing a word) of `name`: "did you mean" for unknown privileges. */
export function closeNames(name: string, candidates: readonly string[], max = 5): string[] {
  const words = new Set(name.split('_').filter((w) => w.length > 2));
  return candidates
    .map((c) => ({ c, d: editDistance(name, c) - (c.split('_').some((w) => words.has(w)) ? 3 : 0) }))
    .filter((x) => x.d <= Math.max(4, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}
