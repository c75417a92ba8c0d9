import { open } from 'node:fs/promises';
import { heartbeat } from '@temporalio/activity';
import {
  ADMIN_ROLE_SCOPES,
  memberSourceLabel,
  parseMemberCsvLine,
  type CsvMemberRow,
} from '../../domain/google-admin-roles-schema';
import type { MemberProgress, MembersFromV1 } from '../../contract/google-admin-roles-messages';
import { FailureType } from '../../contract/failure-types';
import { permanent } from '../failures';
import type { AdminClients, GoogleAdminCaller } from './admin-client';
import { classifyGoogleApiError, googleApiErrorInfo } from './google-error-classifier';
import { addMembersResuming, type MemberSpec } from './groups';

type ClientsFor = (caller: GoogleAdminCaller, scopes: string[], what: string) => Promise<AdminClients>;

/** users.list answers at most 500 per page, members.list 200 (Directory API reference). */
const USERS_PAGE_MAX = 500;
const MEMBERS_PAGE_MAX = 200;
/** Nested groups a referenced source may hold for the cycle check (more is refused, naming the fix). */
const SOURCE_GROUPS_MAX = 1000;
/** CSV errors named in one failure. */
const CSV_ERRORS_SHOWN = 10;

/** One page of a source: its members (or rows that failed to parse), and where the next page starts. */
interface SourcePage {
  members: MemberSpec[];
  /** Entries Google lists that cannot be members here (a CUSTOMER member of a source group). */
  skipped: MemberProgress[];
  next?: string;
}

// ---- CSV, read in chunks from a byte offset ---------------------------------------------------------------

interface CsvCursor {
  offset: number;
  row: number;
}

const csvCursor = (s?: string): CsvCursor => {
  const [offset = '0', row = '0'] = (s ?? '0:0').split(':');
  return { offset: Number(offset), row: Number(row) };
};

function csvPath(ref: string): string {
  return ref.replace(/^file:/i, '');
}

/**
 * Up to `max` rows of a members CSV from `cursor` (byte offset and row number), read 64 KiB at a time, so a file
 * of any size is never held whole. Blank lines and the header count as rows (for the row numbers) but give nothing.
 */
async function readCsvRows(
  ref: string,
  cursor: CsvCursor,
  max: number
): Promise<{ rows: { row: number; parsed: CsvMemberRow }[]; next?: CsvCursor }> {
  let file;
  try {
    file = await open(csvPath(ref), 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw permanent(
      `membersFrom.csv: the worker cannot read ${csvPath(ref)} (${code}): put the file where every worker reads it (an absolute path on the worker's disk or a shared volume), readable by the worker's user; nothing was added from it.`,
      FailureType.GoogleMemberSourceInvalid
    );
  }
  try {
    const rows: { row: number; parsed: CsvMemberRow }[] = [];
    // `offset` is where `pending` starts in the file.
    let { offset, row } = cursor;
    let pending = Buffer.alloc(0);
    let eof = false;
    while (rows.length < max) {
      const nl = pending.indexOf(0x0a);
      if (nl < 0 && !eof) {
        const chunk = Buffer.alloc(64 * 1024);
        const { bytesRead } = await file.read(chunk, 0, chunk.length, offset + pending.length);
        if (bytesRead === 0) eof = true;
        pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
        continue;
      }
      if (nl < 0 && pending.length === 0) return { rows };
      // The last line may end without a newline.
      const consumed = nl < 0 ? pending.length : nl + 1;
      const line = pending
        .subarray(0, nl < 0 ? pending.length : nl)
        .toString('utf8')
        .replace(/\r$/, '');
      pending = pending.subarray(consumed);
      offset += consumed;
      row++;
      const parsed = parseMemberCsvLine(line);
      if (parsed) rows.push({ row, parsed });
    }
    if (eof && pending.length === 0) return { rows };
    return { rows, next: { offset, row } };
  } finally {
    await file.close();
  }
}

function csvFailure(ref: string, errors: { row: number; error: string }[], more: number): Error {
  const listed = errors.map((e) => `row ${e.row}: ${e.error}`).join('; ');
  return permanent(
    `membersFrom.csv: ${csvPath(ref)} has malformed rows (${listed}${more ? `; and ${more} more` : ''}). Fix the file (one member per line: email[,role[,type]], role MEMBER|MANAGER|OWNER, type USER|GROUP) and start again; nothing was added from it.`,
    FailureType.GoogleMemberSourceInvalid
  );
}

// ---- One page of any source ---------------------------------------------------------------------------------

async function sourcePage(
  c: AdminClients,
  caller: GoogleAdminCaller,
  from: MembersFromV1,
  cursor: string | undefined,
  size: number,
  what: string
): Promise<SourcePage> {
  const role = from.role ?? 'MEMBER';
  if (from.orgUnit !== undefined) {
    try {
      // Directory users.list: query orgUnitPath='…' (search-users guide), pageToken paging, maxResults ≤ 500.
      const r = await c.directory.users.list({
        customer: caller.customerId,
        query: `orgUnitPath='${from.orgUnit.replace(/'/g, "\\'")}'`,
        maxResults: Math.min(size, USERS_PAGE_MAX),
        pageToken: cursor,
        fields: 'nextPageToken,users(primaryEmail)',
      });
      const members = (r.data.users ?? [])
        .filter((u) => u.primaryEmail)
        .map((u) => ({ email: u.primaryEmail!.toLowerCase(), role, type: 'USER' as const }));
      return { members, skipped: [], next: r.data.nextPageToken ?? undefined };
    } catch (err) {
      return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.users);
    }
  }
  if (from.group !== undefined) {
    try {
      const r = await c.directory.members.list({
        groupKey: from.group,
        maxResults: Math.min(size, MEMBERS_PAGE_MAX),
        pageToken: cursor,
      });
      const members: MemberSpec[] = [];
      const skipped: MemberProgress[] = [];
      for (const m of r.data.members ?? []) {
        if (!m.email) continue;
        const email = m.email.toLowerCase();
        if (m.type === 'GROUP') members.push({ email, role: 'MEMBER', type: 'GROUP' });
        else if (m.type === 'USER' || !m.type) members.push({ email, role, type: 'USER' });
        else skipped.push({ email, role, outcome: 'failed', reason: `a ${m.type} member cannot be copied to a group` });
      }
      return { members, skipped, next: r.data.nextPageToken ?? undefined };
    } catch (err) {
      if (googleApiErrorInfo(err).status === 404)
        throw permanent(
          `membersFrom.group: no group ${from.group} in the domain (or not visible to ${caller.adminEmail}): check the email; nothing was added from it.`,
          FailureType.GoogleMemberSourceInvalid
        );
      return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.members);
    }
  }
  const { rows, next } = await readCsvRows(from.csv!, csvCursor(cursor), size);
  const errors = rows.flatMap((r) => ('error' in r.parsed ? [{ row: r.row, error: r.parsed.error }] : []));
  // The file changed since the check: refuse the page rather than add some of it.
  if (errors.length) throw csvFailure(from.csv!, errors.slice(0, CSV_ERRORS_SHOWN), errors.length - CSV_ERRORS_SHOWN);
  return {
    members: rows.flatMap((r) => ('member' in r.parsed ? [r.parsed.member] : [])),
    skipped: [],
    next: next ? `${next.offset}:${next.row}` : undefined,
  };
}

export interface MemberSourcePageResult {
  read: number;
  added: string[];
  alreadyPresent: number;
  /** The members of this page that could not be added, with the reason. */
  failed: MemberProgress[];
  /** The next page's cursor; undefined when the source is read to its end. */
  next?: string;
}

export function createMemberSourceActivities(clientsFor: ClientsFor, memberConcurrency: number) {
  return {
    /**
     * Read-only, before the first write: the reference exists and (a CSV) every row is well-formed; its size
     * when known; its group-type members, for the membership cycle check. An org unit holds users only.
     */
    async checkMembersSource(input: {
      caller: GoogleAdminCaller;
      source: MembersFromV1;
    }): Promise<{ total?: number; groups: string[] }> {
      const { caller, source } = input;
      const what = `check membersFrom (${memberSourceLabel(source)})`;
      if (source.csv !== undefined) return checkCsv(source.csv);
      const c = await clientsFor(caller, [ADMIN_ROLE_SCOPES.members, ADMIN_ROLE_SCOPES.orgUnits], what);
      if (source.orgUnit !== undefined) {
        let paths: string[];
        try {
          const r = await c.directory.orgunits.list({ customerId: caller.customerId, type: 'all' });
          paths = (r.data.organizationUnits ?? []).map((u) => (u.orgUnitPath ?? '').toLowerCase());
        } catch (err) {
          return classifyGoogleApiError(err, what, ADMIN_ROLE_SCOPES.orgUnits);
        }
        if (source.orgUnit !== '/' && !paths.includes(source.orgUnit.toLowerCase()))
          throw permanent(
            `membersFrom.orgUnit: no org unit ${source.orgUnit} in customer ${caller.customerId} (Admin console > Directory > Organizational units shows the paths); nothing was created.`,
            FailureType.GoogleMemberSourceInvalid
          );
        return { groups: [] };
      }
      // A source group: every page, for its nested groups (members.list; 200 per page).
      const groups: string[] = [];
      let total = 0;
      let cursor: string | undefined;
      do {
        const page = await sourcePage(c, caller, source, cursor, MEMBERS_PAGE_MAX, what);
        total += page.members.length + page.skipped.length;
        groups.push(...page.members.filter((m) => m.type === 'GROUP').map((m) => m.email));
        cursor = page.next;
        heartbeat({ read: total });
      } while (cursor);
      if (groups.length > SOURCE_GROUPS_MAX)
        throw permanent(
          `membersFrom.group: ${source.group} holds ${groups.length} nested groups, more than ${SOURCE_GROUPS_MAX} the cycle check reads: add those groups' members instead; nothing was created.`,
          FailureType.GoogleMemberSourceInvalid
        );
      return { total, groups };
    },

    /**
     * One page of a member reference: read it (users.list by org unit, members.list of the source group, or the
     * CSV from a byte offset) and add its members, "already a member" being success. A retry re-reads the same
     * page (same cursor) and resumes from the heartbeat, so nothing is added twice.
     */
    async addMembersFromSource(input: {
      caller: GoogleAdminCaller;
      groupKey: string;
      source: MembersFromV1;
      cursor?: string;
      pageSize: number;
    }): Promise<MemberSourcePageResult> {
      const { caller, groupKey, source } = input;
      const what = `add members from ${memberSourceLabel(source)} to ${groupKey}`;
      const c = await clientsFor(caller, [ADMIN_ROLE_SCOPES.members, ADMIN_ROLE_SCOPES.users], what);
      const page = await sourcePage(c, caller, source, input.cursor, input.pageSize, what);
      // A member listed twice in a CSV page is added once.
      const unique = [...new Map(page.members.map((m) => [m.email, m])).values()];
      const results = await addMembersResuming(c, groupKey, unique, memberConcurrency, what);
      return {
        read: page.members.length + page.skipped.length,
        added: results.filter((r) => r.outcome === 'added').map((r) => r.email),
        alreadyPresent: results.filter((r) => r.outcome === 'already-present').length,
        failed: [...page.skipped, ...results.filter((r) => r.outcome === 'failed')],
        next: page.next,
      };
    },
  };
}

/** The whole CSV, page by page: refuse it if any row is malformed; count the members, list the groups. */
async function checkCsv(ref: string): Promise<{ total: number; groups: string[] }> {
  const errors: { row: number; error: string }[] = [];
  let errorCount = 0;
  let total = 0;
  const groups: string[] = [];
  let cursor: CsvCursor | undefined = { offset: 0, row: 0 };
  while (cursor) {
    const { rows, next }: Awaited<ReturnType<typeof readCsvRows>> = await readCsvRows(ref, cursor, 5000);
    for (const r of rows) {
      if ('error' in r.parsed) {
        errorCount++;
        if (errors.length < CSV_ERRORS_SHOWN) errors.push({ row: r.row, error: r.parsed.error });
      } else {
        total++;
        if (r.parsed.member.type === 'GROUP') groups.push(r.parsed.member.email);
      }
    }
    cursor = next;
    heartbeat({ rows: total + errorCount });
  }
  if (errors.length) throw csvFailure(ref, errors, errorCount - errors.length);
  if (groups.length > SOURCE_GROUPS_MAX)
    throw permanent(
      `membersFrom.csv: ${groups.length} GROUP rows, more than ${SOURCE_GROUPS_MAX} the cycle check reads: add those groups' members instead; nothing was created.`,
      FailureType.GoogleMemberSourceInvalid
    );
  return { total, groups };
}
