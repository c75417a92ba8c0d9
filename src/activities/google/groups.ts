import { activityInfo, heartbeat } from '@temporalio/activity';
import { ADMIN_ROLE_SCOPES, groupIdFromName } from '../../domain/google-admin-roles-schema';
import type { MemberProgress, MemberRole } from '../../contract/google-admin-roles-messages';
import { mapWithConcurrency } from '../concurrency';
import { permanent, retryable } from '../failures';
import type { AdminClients, GoogleAdminCaller } from './admin-client';
import {
  classifyGoogleApiError,
  googleApiErrorInfo,
  isRateLimited,
  isTransient,
  memberAddFailure,
  memberInsertOutcome,
  type MemberAddOutcome,
} from './google-error-classifier';
import { FailureType } from '../../contract/failure-types';

const SECURITY_LABEL = 'cloudidentity.googleapis.com/groups.security';
const DISCUSSION_LABEL = 'cloudidentity.googleapis.com/groups.discussion_forum';

export interface SecurityGroupSpec {
  email: string;
  displayName: string;
  description: string;
  initialGroupConfig: 'EMPTY' | 'WITH_INITIAL_OWNER';
}

export interface FoundGroup {
  name: string;
  id: string;
  email: string;
  displayName: string;
  description: string;
  isSecurity: boolean;
}

type ClientsFor = (caller: GoogleAdminCaller, scopes: string[], what: string) => Promise<AdminClients>;

/** Cloud Identity lookup by email; undefined when Google says it does not exist (yet). */
export async function findGroup(c: AdminClients, email: string, what: string): Promise<FoundGroup | undefined> {
  let name: string;
  try {
    const r = await c.cloudIdentity.groups.lookup({ 'groupKey.id': email });
    name = r.data.name ?? '';
  } catch (err) {
    if (googleApiErrorInfo(err).status === 404) return undefined;
    return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.groups);
  }
  try {
    const g = (await c.cloudIdentity.groups.get({ name })).data;
    return {
      name,
      id: groupIdFromName(name),
      email,
      displayName: g.displayName ?? '',
      description: g.description ?? '',
      isSecurity: SECURITY_LABEL in (g.labels ?? {}),
    };
  } catch (err) {
    if (googleApiErrorInfo(err).status === 404) return undefined;
    return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.groups);
  }
}

/** Every member the Directory API shows right now (visible ones only: propagation is eventual). */
export async function listMembers(
  c: AdminClients,
  groupKey: string,
  what: string
): Promise<Map<string, { role: string; type: string }>> {
  const out = new Map<string, { role: string; type: string }>();
  let pageToken: string | undefined;
  do {
    try {
      const r = await c.directory.members.list({ groupKey, maxResults: 200, pageToken });
      for (const m of r.data.members ?? [])
        if (m.email) out.set(m.email.toLowerCase(), { role: m.role ?? 'MEMBER', type: m.type ?? 'USER' });
      pageToken = r.data.nextPageToken ?? undefined;
    } catch (err) {
      return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.members);
    }
    heartbeatIfActivity({ listed: out.size });
  } while (pageToken);
  return out;
}

function heartbeatIfActivity(details: unknown): void {
  try {
    heartbeat(details);
  } catch {
    /* called outside an activity (plan helpers in tests) */
  }
}

export interface MemberSpec {
  email: string;
  role: MemberRole;
  type: 'USER' | 'GROUP';
}

export function createGroupActivities(clientsFor: ClientsFor, memberConcurrency: number) {
  return {
    /**
     * Create the security group, or find the one a lost earlier attempt created. Handles Cloud Identity's
     * 403-on-existing-group quirk and its phantom "already exists" (retried: the next create succeeds).
     */
    async ensureSecurityGroup(input: {
      caller: GoogleAdminCaller;
      group: SecurityGroupSpec;
    }): Promise<FoundGroup & { outcome: 'created' | 'already-present' }> {
      const { caller, group } = input;
      const what = `create security group ${group.email}`;
      const c = await clientsFor(caller, [ADMIN_ROLE_SCOPES.groups], what);
      const existing = await findGroup(c, group.email, what);
      if (existing) return { ...verifySecurity(existing, group.email), outcome: 'already-present' };
      try {
        const op = await c.cloudIdentity.groups.create({
          initialGroupConfig: group.initialGroupConfig,
          requestBody: {
            parent: `customers/${caller.customerId}`,
            groupKey: { id: group.email },
            displayName: group.displayName,
            description: group.description,
            labels: { [DISCUSSION_LABEL]: '', [SECURITY_LABEL]: '' },
          },
        });
        const name = (op.data.response as { name?: string } | undefined)?.name;
        if (op.data.done && name) {
          return {
            name,
            id: groupIdFromName(name),
            email: group.email,
            displayName: group.displayName,
            description: group.description,
            isSecurity: true,
            outcome: 'created',
          };
        }
        // Not done yet: the group appears once the operation finishes; the retry finds it by lookup.
        throw retryable(
          `${what}: the create operation is still running; looking it up again`,
          FailureType.GoogleGroupCreatePending
        );
      } catch (err) {
        if ((err as { name?: string }).name === 'ApplicationFailure') throw err;
        const info = googleApiErrorInfo(err);
        const exists =
          info.status === 409 ||
          info.apiStatus === 'ALREADY_EXISTS' ||
          (info.status === 403 && !info.scopeInsufficient && !info.serviceDisabled && !isRateLimited(info));
        if (!exists) return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.groups);
        const found = await findGroup(c, group.email, what);
        if (found) return { ...verifySecurity(found, group.email), outcome: 'already-present' };
        if (info.status === 403) {
          throw permanent(
            `${what}: Google denied the create (${info.message}) and the group cannot be found, so this is a real permission problem: ${caller.adminEmail} must be a super admin or groups admin (only they can create security groups)`,
            FailureType.GooglePermissionDenied
          );
        }
        throw retryable(
          `${what}: Google answered "already exists" but the group cannot be found (a known transient); retrying`,
          FailureType.GooglePhantomAlreadyExists
        );
      }
    },

    /**
     * Add members with bounded concurrency under the worker's quota limiter. Progress is heartbeated, so
     * a retried attempt (worker crash, rate limit) resumes where the last one stopped.
     */
    async addGroupMembers(input: {
      caller: GoogleAdminCaller;
      groupKey: string;
      members: MemberSpec[];
    }): Promise<MemberProgress[]> {
      const what = `add members to ${input.groupKey}`;
      const c = await clientsFor(input.caller, [ADMIN_ROLE_SCOPES.members], what);
      return addMembersResuming(c, input.groupKey, input.members, memberConcurrency, what);
    },

    /** Which of `emails` the Directory API shows as members right now (membership propagation). */
    async checkMembersVisible(input: {
      caller: GoogleAdminCaller;
      groupKey: string;
      emails: string[];
    }): Promise<{ missing: string[] }> {
      const what = `check the members of ${input.groupKey}`;
      const c = await clientsFor(input.caller, [ADMIN_ROLE_SCOPES.members], what);
      const visible = await listMembers(c, input.groupKey, what);
      return { missing: input.emails.filter((e) => !visible.has(e)) };
    },

    /**
     * Read-only, before the first write: would adding any of `memberGroups` to the group close a membership
     * cycle through groups that already exist (B already contains the group, directly or through nested
     * groups)? Walks members.list of each nested group (type GROUP members only; Directory API
     * admin_directory_v1 members.list). members.hasMember takes users only, so it cannot answer this.
     * A member that is not (yet) a group is skipped: adding it fails, or succeeds, on its own merits.
     */
    async findGroupMembershipCycles(input: {
      caller: GoogleAdminCaller;
      group: { id: string; email: string };
      memberGroups: string[];
    }): Promise<{ cycles: { member: string; path: string[] }[]; groupsRead: number }> {
      const what = `check nested groups of ${input.group.email} for membership cycles`;
      const c = await clientsFor(input.caller, [ADMIN_ROLE_SCOPES.members], what);
      const target = { id: input.group.id, email: input.group.email.toLowerCase() };
      /** Nested group members of a group (email → id), read once; undefined when it is not a visible group. */
      const nested = new Map<string, Map<string, string> | undefined>();
      const groupsOf = async (email: string): Promise<Map<string, string> | undefined> => {
        if (nested.has(email)) return nested.get(email);
        let found: Map<string, string> | undefined;
        try {
          found = new Map();
          let pageToken: string | undefined;
          do {
            const r = await c.directory.members.list({ groupKey: email, maxResults: 200, pageToken });
            for (const m of r.data.members ?? [])
              if (m.type === 'GROUP' && m.email) found.set(m.email.toLowerCase(), m.id ?? '');
            pageToken = r.data.nextPageToken ?? undefined;
          } while (pageToken);
        } catch (err) {
          const info = googleApiErrorInfo(err);
          // Not a group (a user, or a group not visible yet): nothing nested below it.
          if (info.status === 404 || (info.status === 400 && /groupKey/i.test(info.message))) found = undefined;
          else return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.members);
        }
        nested.set(email, found);
        heartbeatIfActivity({ groupsRead: nested.size });
        return found;
      };

      const cycles: { member: string; path: string[] }[] = [];
      for (const member of input.memberGroups.map((e) => e.toLowerCase())) {
        if (member === target.email) {
          cycles.push({ member, path: [target.email, member] });
          continue;
        }
        // Breadth first: the shortest chain member → … → group, for the message.
        const parent = new Map<string, string | undefined>([[member, undefined]]);
        const queue = [member];
        let hit: string | undefined;
        while (queue.length && !hit) {
          const g = queue.shift()!;
          for (const [email, id] of (await groupsOf(g)) ?? []) {
            if (parent.has(email)) continue;
            parent.set(email, g);
            if (email === target.email || (id && id === target.id)) {
              hit = email;
              break;
            }
            queue.push(email);
          }
        }
        if (hit) {
          const chain: string[] = [];
          for (let x: string | undefined = hit; x !== undefined; x = parent.get(x)) chain.unshift(x);
          cycles.push({ member, path: [target.email, ...chain] });
        }
      }
      return { cycles, groupsRead: nested.size };
    },

    /** Undo: remove the members this onboarding added. Already gone is success. */
    async removeGroupMembers(input: {
      caller: GoogleAdminCaller;
      groupKey: string;
      emails: string[];
    }): Promise<{ removed: number; alreadyGone: number }> {
      const what = `remove members from ${input.groupKey}`;
      const c = await clientsFor(input.caller, [ADMIN_ROLE_SCOPES.members], what);
      let removed = 0;
      let alreadyGone = 0;
      await mapWithConcurrency(input.emails, memberConcurrency, async (email) => {
        try {
          await c.directory.members.delete({ groupKey: input.groupKey, memberKey: email });
          removed++;
        } catch (err) {
          if (googleApiErrorInfo(err).status === 404) alreadyGone++;
          else classifyGoogleApiError(err, `${what} (${email})`, ADMIN_ROLE_SCOPES.members);
        }
        if ((removed + alreadyGone) % 25 === 0) heartbeat({ removed, alreadyGone });
      });
      return { removed, alreadyGone };
    },

    /** Undo: delete the group this onboarding created. Already gone is success. */
    async deleteSecurityGroup(input: {
      caller: GoogleAdminCaller;
      name: string;
    }): Promise<{ outcome: 'deleted' | 'already-gone' }> {
      const what = `delete group ${input.name}`;
      const c = await clientsFor(input.caller, [ADMIN_ROLE_SCOPES.groups], what);
      try {
        await c.cloudIdentity.groups.delete({ name: input.name });
        return { outcome: 'deleted' };
      } catch (err) {
        if (googleApiErrorInfo(err).status === 404) return { outcome: 'already-gone' };
        return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.groups);
      }
    },
  };
}

/**
 * Insert `members` with bounded concurrency (each call waits for the quota limiter); "already a member" with the
 * same role is success. Progress is heartbeated, so a retried attempt (worker crash, rate limit) resumes where
 * the last one stopped; a transient failure throws a retryable error after the rest were tried.
 */
export async function addMembersResuming(
  c: AdminClients,
  groupKey: string,
  members: MemberSpec[],
  concurrency: number,
  what: string
): Promise<MemberProgress[]> {
  const done = new Map<string, MemberProgress>();
  const previous = activityInfo().heartbeatDetails as { done?: MemberProgress[] } | undefined;
  for (const p of previous?.done ?? []) done.set(p.email, p);
  let transient: { message: string; retryAfterMs?: number } | undefined;
  let fatal: Error | undefined;

  await mapWithConcurrency(members, concurrency, async (m) => {
    if (done.has(m.email) || fatal) return;
    const outcome = await addOne(c, groupKey, m);
    if ('fatal' in outcome) fatal = outcome.fatal;
    else if ('transient' in outcome) transient = outcome.transient;
    else {
      done.set(m.email, outcome.progress);
      if (done.size % 25 === 0) heartbeat({ done: [...done.values()] });
    }
  });
  heartbeat({ done: [...done.values()] });
  if (fatal) throw fatal;
  if (transient) {
    throw retryable(
      `${what}: ${members.length - done.size} member(s) not added yet (${transient.message}); retrying the rest`,
      FailureType.GoogleMembersPending,
      transient.retryAfterMs
    );
  }
  return members.map((m) => done.get(m.email)!);
}

function verifySecurity(g: FoundGroup, email: string): FoundGroup {
  if (!g.isSecurity) {
    throw permanent(
      `group ${email} already exists but is not a security group, so it cannot hold an admin role: add the security label in Admin console > Groups (or groups.patch), or choose another group email`,
      FailureType.GoogleGroupNotSecurity
    );
  }
  return g;
}

async function addOne(c: AdminClients, groupKey: string, m: MemberSpec): Promise<MemberAddOutcome> {
  try {
    await c.directory.members.insert({ groupKey, requestBody: { email: m.email, role: m.role } });
    return { progress: { email: m.email, role: m.role, outcome: 'added' } };
  } catch (err) {
    const info = googleApiErrorInfo(err);
    if (info.status === 409 && (info.reason === 'duplicate' || info.reason === 'conflict' || !info.reason)) {
      try {
        const existing = (await c.directory.members.get({ groupKey, memberKey: m.email })).data;
        if ((existing.role ?? 'MEMBER') !== m.role) {
          return {
            progress: {
              email: m.email,
              role: m.role,
              outcome: 'failed',
              reason: `already a member with role ${existing.role}, not ${m.role}: change it in the Admin console or in the input`,
            },
          };
        }
        return { progress: { email: m.email, role: m.role, outcome: 'already-present' } };
      } catch (getErr) {
        // Inserted but not visible yet (eventual consistency): look again on the next attempt.
        if (googleApiErrorInfo(getErr).status === 404)
          return { transient: { message: `${m.email} exists but is not visible yet` } };
        return isTransient(getErr)
          ? { transient: { message: googleApiErrorInfo(getErr).message } }
          : { fatal: memberAddFailure(getErr, groupKey, ADMIN_ROLE_SCOPES.members) };
      }
    }
    return memberInsertOutcome(err, groupKey, m, ADMIN_ROLE_SCOPES.members, info);
  }
}
