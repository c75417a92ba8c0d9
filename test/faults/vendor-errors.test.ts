import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, type OnrampActivities } from '../../src/activities';
import type { CwTarget } from '../../src/activities/connectwise';
import { ADMIN_ROLE_SCOPES } from '../../src/domain/google-admin-roles-schema';
import { billingSchema } from '../../src/domain/connectwise-schema';
import { DISCUSSION_LABEL, SECURITY_LABEL } from '../../src/simulators/google/directory-state';
import type { FaultSpec, Simulator } from '../../src/simulators/http';
import { autotaskFixture, VENDOR_PROFILES, type AutotaskFixture, type TestUser } from '../helpers/autotask';
import { CLIENT_ID, connectwiseFixture, type ConnectwiseFixture, type CwMember } from '../helpers/connectwise';
import { googleFixture, type GoogleFixture } from '../helpers/google';
import { googleAdminFixture, type GoogleAdminFixture } from '../helpers/google-admin';
import { FailureType } from '../../src/contract/failure-types';

/**
 * The vendor error table (shared notes vendor-apis.md §E.3), one row per endpoint × fault: each row arms
 * one fault on a simulator, calls the real activity over HTTP once (MockActivityEnvironment: no retries
 * here, Temporal owns those) and checks how the failure is classified — retryable or not, its type, and
 * the Retry-After carried as nextRetryDelay. Every row also proves its fault fired.
 */

/**
 * Per-request timeout given to the activities. Generous, so a loaded machine never turns an ordinary row
 * into a timeout (or gives up before the request reaches the simulator, and the fault never fires). The
 * timeout row alone shortens it, and holds its answer until the row releases it: a client without a working
 * timeout hangs there (and would read the held 400 as permanent), whatever the machine's speed.
 */
const ROW_TIMEOUT_MS = 60_000;
const TIMEOUT_ROW_TIMEOUT_MS = 2_000;
const HANG_MS = 10 * 60_000;
let TIMEOUT_MS = ROW_TIMEOUT_MS;

type Outcome =
  | { retryable: true; type: string | RegExp; nextRetryDelay?: number }
  | { retryable: false; type: string | RegExp; message?: RegExp }
  /** Not a failure: the activity treats the fault as success (or as a value the workflow handles). */
  | { result: (value: unknown) => void };

interface Ctx {
  g: GoogleFixture;
  ga: GoogleAdminFixture;
  at: AutotaskFixture;
  atUser: TestUser;
  cw: ConnectwiseFixture;
  cwMember: CwMember;
}

interface Endpoint {
  name: string;
  sim: (c: Ctx) => Simulator;
  method: string;
  path: string | RegExp;
  /** One call of the activity through fresh activities (so no limiter pause or token cache leaks between rows). */
  call: (c: Ctx, row: number) => Promise<unknown>;
  /** Set up what the row's fault needs (e.g. the member a phantom 409 claims exists). */
  prepare?: (c: Ctx, row: number) => void | Promise<void>;
}

/** The mock's default logger prints every expected failure as a warning. */
const QUIET = new DefaultLogger('ERROR');

const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment(undefined, { logger: QUIET }).run(fn, ...args);

const googleActs = (c: Ctx): OnrampActivities =>
  createActivities({
    google: { tokenUrl: `${c.ga.url}/token`, timeoutMs: TIMEOUT_MS },
    notify: {},
    googleAdmin: { apiRootUrl: c.ga.url },
  });

const caller = (c: Ctx) => ({
  customerId: c.ga.customerId,
  adminEmail: c.ga.admin,
  serviceAccount: { email: c.ga.saEmail, keyRef: c.ga.keyRef },
});

const rowGroup = (c: Ctx, row: number) => `errors-${row}@${c.ga.domain}`;
const rowMember = (c: Ctx, row: number) => `member${row}@${c.ga.domain}`;

function ensureRowGroup(c: Ctx, row: number): void {
  const email = rowGroup(c, row);
  if (!c.ga.sim.directory.groupByKey(email, true))
    c.ga.sim.directory.createGroup(email, email, 'errors', { [DISCUSSION_LABEL]: '', [SECURITY_LABEL]: '' });
  c.ga.sim.state.addUser(rowMember(c, row));
}

const addMember = (c: Ctx, row: number) =>
  run(googleActs(c).addGroupMembers, {
    caller: caller(c),
    groupKey: rowGroup(c, row),
    members: [{ email: rowMember(c, row), role: 'MEMBER' as const, type: 'USER' as const }],
  });

const cwActs = (c: Ctx): OnrampActivities =>
  createActivities({
    google: { tokenUrl: 'http://127.0.0.1:9/token' },
    notify: {},
    connectwise: {
      extraAllowedHosts: [c.cw.host],
      insecureHttpHosts: [c.cw.host],
      requestsPerMinute: 60_000,
      timeoutMs: TIMEOUT_MS,
    },
  });

const cwConnection = (c: Ctx) => ({
  site: c.cw.host,
  companyId: c.cw.sim.state.companyId,
  publicKey: c.cwMember.publicKey,
  privateKeyRef: c.cwMember.keyRef,
  clientId: CLIENT_ID,
});

const ENDPOINTS: Endpoint[] = [
  {
    name: 'Google token endpoint (checkDelegatedScopes)',
    sim: (c) => c.g.sim,
    method: 'POST',
    path: '/token',
    call: (c) =>
      run(
        createActivities({ google: { tokenUrl: `${c.g.googleUrl}/token`, timeoutMs: TIMEOUT_MS }, notify: {} })
          .checkDelegatedScopes,
        {
          subject: c.g.admin,
          serviceAccount: { clientId: c.g.key.client_id, email: c.g.key.client_email, keyRef: c.g.keyRef },
          scopes: ['https://mail.google.com/'],
          mode: 'together' as const,
        }
      ),
  },
  {
    name: 'Directory members.insert (addGroupMembers)',
    sim: (c) => c.ga.sim,
    method: 'POST',
    path: /^\/admin\/directory\/v1\/groups\/[^/]+\/members$/,
    prepare: ensureRowGroup,
    call: addMember,
  },
  {
    name: 'Cloud Identity groups.create (ensureSecurityGroup)',
    sim: (c) => c.ga.sim,
    method: 'POST',
    path: '/v1/groups',
    call: (c, row) =>
      run(googleActs(c).ensureSecurityGroup, {
        caller: caller(c),
        group: {
          email: `create-${row}@${c.ga.domain}`,
          displayName: `Create ${row}`,
          description: 'errors',
          initialGroupConfig: 'WITH_INITIAL_OWNER' as const,
        },
      }),
  },
  {
    name: 'Autotask Resources/query (verifyAutotaskCredentials)',
    sim: (c) => c.at.sim,
    method: 'POST',
    path: /\/V1\.0\/Resources\/query$/i,
    call: (c, row) =>
      run(
        createActivities({
          google: { tokenUrl: 'http://127.0.0.1:9/unused' },
          notify: {},
          autotask: {
            discoveryUrl: c.at.simUrl,
            allowedZoneHosts: [new URL(c.at.simUrl).host],
            timeoutMs: TIMEOUT_MS,
            vendorProfiles: VENDOR_PROFILES,
          },
        }).verifyAutotaskCredentials,
        c.atUser.target(`errors-${row}`)
      ),
  },
  {
    name: 'ConnectWise /system/info (verifyConnectwiseConnection)',
    sim: (c) => c.cw.sim,
    method: 'GET',
    path: /\/apis\/3\.0\/system\/info$/,
    call: (c) => run(cwActs(c).verifyConnectwiseConnection, cwConnection(c)),
  },
  {
    name: 'ConnectWise company create (syncConnectwiseCustomerBatch)',
    sim: (c) => c.cw.sim,
    method: 'POST',
    path: /\/apis\/3\.0\/company\/companies$/,
    call: async (c, row) => {
      const acts = cwActs(c);
      const v = await run(acts.verifyConnectwiseConnection, cwConnection(c));
      if (!v.ok) throw new Error(`the ConnectWise connection did not verify: ${v.message}`);
      const target: CwTarget = { connection: cwConnection(c), site: v.site };
      return run(acts.syncConnectwiseCustomerBatch, {
        ...target,
        customers: [{ identifier: `ERR${String(row).padStart(4, '0')}`, name: `Errors ${row}` }],
        agreement: billingSchema.parse({}).agreement,
        mode: 'apply' as const,
        createMissingCompanies: true,
        companyAddress: { city: 'Milano' },
      });
    },
  },
];

type Fault = Omit<FaultSpec, 'method' | 'path' | 'times'>;

/** The faults every endpoint gets, with the type each endpoint's classification uses. */
interface Case {
  fault: string;
  spec: Fault;
  expect: Record<string, Outcome>;
  /** Known gaps, by endpoint: the row runs and reports, but does not fail the suite (node:test `todo`). */
  todo?: Record<string, string>;
}

const G_TOKEN = ENDPOINTS[0]!.name;
const G_MEMBER = ENDPOINTS[1]!.name;
const G_GROUP = ENDPOINTS[2]!.name;
const AT_QUERY = ENDPOINTS[3]!.name;
const CW_INFO = ENDPOINTS[4]!.name;
const CW_COMPANY = ENDPOINTS[5]!.name;

const transient = (types: Record<string, string | RegExp>, nextRetryDelay?: number): Record<string, Outcome> =>
  Object.fromEntries(
    Object.entries(types).map(([k, type]) => [
      k,
      { retryable: true, type, ...(nextRetryDelay !== undefined ? { nextRetryDelay } : {}) },
    ])
  );

const googleBody = (code: number, reason: string, message: string) => ({
  error: { code, message, errors: [{ domain: 'global', reason, message }] },
});

const CASES: Case[] = [
  {
    fault: '429 with Retry-After: 7',
    spec: { status: 429, retryAfterSeconds: 7, body: googleBody(429, 'rateLimitExceeded', 'Rate limit exceeded') },
    expect: transient(
      {
        [G_TOKEN]: FailureType.GoogleTokenEndpointUnavailable,
        [G_MEMBER]: FailureType.GoogleMembersPending,
        [G_GROUP]: FailureType.GoogleRateLimited,
        [AT_QUERY]: FailureType.AutotaskUnavailable,
        [CW_INFO]: FailureType.ConnectWiseThrottled,
        [CW_COMPANY]: FailureType.ConnectWiseThrottled,
      },
      7_000
    ),
  },
  {
    fault: '429 without Retry-After',
    spec: { status: 429, body: googleBody(429, 'rateLimitExceeded', 'Rate limit exceeded') },
    expect: transient({
      [G_TOKEN]: FailureType.GoogleTokenEndpointUnavailable,
      [G_MEMBER]: FailureType.GoogleMembersPending,
      [G_GROUP]: FailureType.GoogleRateLimited,
      [AT_QUERY]: FailureType.AutotaskUnavailable,
      [CW_INFO]: FailureType.ConnectWiseThrottled,
      [CW_COMPANY]: FailureType.ConnectWiseThrottled,
    }),
  },
  ...[500, 502, 503].map((status): Case => ({
    fault: `${status}`,
    spec: { status, body: googleBody(status, 'backendError', 'Backend Error') },
    expect: {
      ...transient({
        [G_TOKEN]: FailureType.GoogleTokenEndpointUnavailable,
        [G_MEMBER]: FailureType.GoogleMembersPending,
        [G_GROUP]: FailureType.GoogleTransientError,
        [AT_QUERY]: FailureType.AutotaskUnavailable,
        [CW_INFO]: FailureType.ConnectWiseUnavailable,
        [CW_COMPANY]: FailureType.ConnectWiseUnavailable,
      }),
      // Resources/query only looks up the API user's own id: a 500 there (Autotask's answer to a missing
      // Resources permission) leaves it unknown rather than failing the credential check.
      ...(status === 500
        ? { [AT_QUERY]: { result: (v: unknown) => assert.equal((v as { resourceId?: number }).resourceId, undefined) } }
        : {}),
    },
  })),
  {
    fault: `timeout (answer held until released, client timeout ${TIMEOUT_ROW_TIMEOUT_MS} ms)`,
    // A 400 if it ever arrives: a client without a working timeout would classify it as permanent.
    spec: { status: 400, delayMs: HANG_MS },
    expect: transient({
      [G_TOKEN]: FailureType.GoogleTokenEndpointUnreachable,
      [G_MEMBER]: FailureType.GoogleMembersPending,
      [G_GROUP]: FailureType.GoogleTransientError,
      [AT_QUERY]: FailureType.AutotaskUnreachable,
      [CW_INFO]: FailureType.ConnectWiseUnreachable,
      [CW_COMPANY]: FailureType.ConnectWiseUnreachable,
    }),
  },
  {
    fault: '401',
    spec: { status: 401, body: googleBody(401, 'authError', 'Invalid Credentials') },
    expect: {
      [G_TOKEN]: { retryable: false, type: FailureType.GoogleTokenRequestRejected },
      // An expired access token: the next attempt mints a new one.
      [G_MEMBER]: { retryable: true, type: FailureType.GoogleMembersPending },
      [G_GROUP]: { retryable: true, type: FailureType.GoogleTransientError },
      [AT_QUERY]: { retryable: false, type: FailureType.AutotaskCredentialsRejected, message: /does not retry/ },
      // verifyConnectwiseConnection names the field to fix instead of failing: the workflow waits for it.
      [CW_INFO]: {
        result: (v) =>
          assert.deepEqual({ ...(v as object), message: undefined }, { ok: false, field: 'keys', message: undefined }),
      },
      [CW_COMPANY]: { retryable: false, type: FailureType.ConnectWiseAuthRejected },
    },
  },
  {
    fault: '403',
    spec: { status: 403, body: googleBody(403, 'forbidden', 'Not Authorized to access this resource/api') },
    expect: {
      [G_TOKEN]: { retryable: false, type: FailureType.GoogleTokenRequestRejected },
      // Not a rate-limit reason: the member is reported as failed (the workflow fails, naming it).
      [G_MEMBER]: {
        result: (v) => assert.equal((v as { outcome: string }[])[0]?.outcome, 'failed'),
      },
      // Cloud Identity answers 403 for an existing group too; when the lookup finds none it is a real denial.
      [G_GROUP]: { retryable: false, type: FailureType.GooglePermissionDenied },
      [CW_INFO]: { retryable: false, type: FailureType.ConnectWisePermissionDenied },
      [CW_COMPANY]: { retryable: false, type: FailureType.ConnectWisePermissionDenied },
    },
  },
];

/** Google-only rows: eventual consistency and phantom duplicates. */
interface SpecialRow {
  name: string;
  endpoint: Endpoint;
  spec: Fault;
  prepare?: (c: Ctx, row: number) => void | Promise<void>;
  expect: Outcome;
}

const SPECIAL: SpecialRow[] = [
  {
    name: '404 on members.insert right after the group create → retryable (not visible yet)',
    endpoint: ENDPOINTS[1]!,
    spec: { status: 404, body: googleBody(404, 'notFound', 'Resource Not Found: groupKey') },
    prepare: async (c, row) => {
      c.ga.sim.state.addUser(rowMember(c, row));
      await run(googleActs(c).ensureSecurityGroup, {
        caller: caller(c),
        group: {
          email: rowGroup(c, row),
          displayName: `Fresh ${row}`,
          description: 'errors',
          initialGroupConfig: 'WITH_INITIAL_OWNER' as const,
        },
      });
    },
    expect: { retryable: true, type: FailureType.GoogleMembersPending },
  },
  {
    name: 'phantom 409 on members.insert, member present → success after lookup',
    endpoint: ENDPOINTS[1]!,
    spec: { status: 409, body: googleBody(409, 'duplicate', 'Member already exists.') },
    prepare: (c, row) => {
      ensureRowGroup(c, row);
      c.ga.sim.directory.addMember(
        c.ga.sim.directory.groupByKey(rowGroup(c, row), true)!.id,
        rowMember(c, row),
        'MEMBER',
        'USER',
        `member-${row}`
      );
    },
    expect: {
      result: (v) =>
        assert.deepEqual(
          (v as { outcome: string }[]).map((p) => p.outcome),
          ['already-present']
        ),
    },
  },
  {
    name: 'phantom 409 on members.insert, member not visible → retryable, looked up again next attempt',
    endpoint: ENDPOINTS[1]!,
    spec: { status: 409, body: googleBody(409, 'duplicate', 'Member already exists.') },
    expect: { retryable: true, type: FailureType.GoogleMembersPending },
  },
  {
    name: 'phantom 409 ALREADY_EXISTS on groups.create, group not found → retryable GooglePhantomAlreadyExists',
    endpoint: ENDPOINTS[2]!,
    spec: { status: 409, body: { error: { code: 409, message: 'already exists', status: 'ALREADY_EXISTS' } } },
    expect: { retryable: true, type: FailureType.GooglePhantomAlreadyExists },
  },
];

interface Row {
  name: string;
  endpoint: Endpoint;
  spec: Fault;
  prepare?: (c: Ctx, row: number) => void | Promise<void>;
  expect: Outcome;
  todo?: string;
  /** The client timeout for this row (the timeout row's is short). */
  timeoutMs?: number;
}

const ROWS: Row[] = [
  ...CASES.flatMap((k) =>
    ENDPOINTS.filter((e) => k.expect[e.name]).map((e) => ({
      name: `${e.name} × ${k.fault}`,
      endpoint: e,
      spec: k.spec,
      prepare: e.prepare,
      expect: k.expect[e.name]!,
      todo: k.todo?.[e.name],
      timeoutMs: k.spec.delayMs ? TIMEOUT_ROW_TIMEOUT_MS : undefined,
    }))
  ),
  ...SPECIAL.map((s) => ({ ...s, name: `${s.endpoint.name} × ${s.name}`, prepare: s.prepare ?? s.endpoint.prepare })),
];

function matches(actual: string | undefined, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual === expected : expected.test(actual ?? '');
}

function assertOutcome(exp: Outcome, value: unknown, error: unknown): void {
  if ('result' in exp) {
    assert.equal(error, undefined, `expected no failure, got ${String(error)}`);
    exp.result(value);
    return;
  }
  assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error ?? value)}`);
  assert.ok(matches(error.type ?? undefined, exp.type), `type ${error.type} (${error.message})`);
  assert.equal(error.nonRetryable, !exp.retryable, `nonRetryable (${error.message})`);
  if (exp.retryable) assert.equal(error.nextRetryDelay ?? undefined, exp.nextRetryDelay, 'nextRetryDelay');
  else if (exp.message) assert.match(error.message, exp.message);
}

describe('vendor error table: every endpoint × fault classified as the table says, each fault fired', () => {
  const c = {} as Ctx;
  let injected = 0;

  before(async () => {
    [c.g, c.ga, c.at, c.cw] = await Promise.all([
      googleFixture(),
      googleAdminFixture(),
      autotaskFixture(),
      connectwiseFixture(),
    ]);
    c.g.grant();
    c.ga.grant([...Object.values(ADMIN_ROLE_SCOPES)]);
    c.atUser = c.at.addUser();
    c.cwMember = await c.cw.newMember();
  });
  after(async () => {
    console.log(`[faults] vendor errors: ${injected} faults injected over ${ROWS.length} rows`);
    await Promise.all([c.g?.close(), c.ga?.close(), c.at?.close(), c.cw?.close()]);
  });

  for (const [i, row] of ROWS.entries()) {
    it(row.name, { todo: row.todo }, async () => {
      const sim = row.endpoint.sim(c);
      await row.prepare?.(c, i);
      const id = sim.faults.add({ ...row.spec, method: row.endpoint.method, path: row.endpoint.path, times: 1 });
      let value: unknown;
      let error: unknown;
      TIMEOUT_MS = row.timeoutMs ?? ROW_TIMEOUT_MS;
      try {
        // Only a short-timeout row can give up before its request reaches the simulator (a stalled machine):
        // the fault is still armed, so call again with a longer timeout until it fires. Each attempt must
        // still classify as the row says.
        for (let attempt = 0; ; attempt++) {
          value = error = undefined;
          try {
            value = await row.endpoint.call(c, i);
          } catch (err) {
            error = err;
          }
          if (sim.faults.fired(id) > 0 || !row.timeoutMs || attempt === 3) break;
          assertOutcome(row.expect, value, error);
          TIMEOUT_MS *= 4;
        }
      } finally {
        TIMEOUT_MS = ROW_TIMEOUT_MS;
        sim.faults.releaseHolds();
      }
      assert.equal(
        sim.faults.fired(id),
        1,
        `the fault fired (the call ${error ? `failed: ${String((error as Error).message ?? error)}` : 'succeeded'})`
      );
      injected++;
      assertOutcome(row.expect, value, error);
    });
  }

  it('Autotask 401: exactly one request, no retry inside the activity, and a non-retryable failure', async () => {
    const path = /\/V1\.0\/Resources\/query$/i;
    const count = () =>
      [...c.at.sim.requests.entries()].filter(([k]) => path.test(k.split(' ')[1] ?? '')).reduce((n, [, v]) => n + v, 0);
    const before = count();
    const id = c.at.sim.faults.add({ method: 'POST', path, status: 401, times: 5 });
    let error: unknown;
    try {
      await ENDPOINTS[3]!.call(c, 999);
    } catch (err) {
      error = err;
    }
    assert.equal(c.at.sim.faults.fired(id), 1, 'the 401 fired once (four more were armed for any retry)');
    injected++;
    assert.equal(count() - before, 1, 'the simulator saw exactly one Resources/query');
    assert.ok(error instanceof ApplicationFailure && error.nonRetryable, 'non-retryable: Temporal will not retry it');
  });
});
