import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CwTarget } from '../src/activities/connectwise';
import type { ConnectwiseConnection, SyncCustomer } from '../src/domain/connectwise-schema';
import type { ConnectwiseSyncInputV1, SyncMode } from '../src/contract/connectwise-sync-messages';
import { billingSchema } from '../src/domain/connectwise-schema';
import { MemoryLimiterStore } from '../src/activities/limits/limiter-memory';
import { connectwiseCustomerSync } from '../src/workflows';
import { CLIENT_ID, connectwiseFixture, customers, type ConnectwiseFixture } from './helpers/connectwise';
import { integration, type Integration, type RunningWorker } from './helpers/integration';

const billing = billingSchema.parse({});

describe('connectwiseCustomerSync (real Temporal server + ConnectWise simulator over HTTP)', () => {
  let env: TestWorkflowEnvironment;
  let stack: Integration;
  const fixtures: { cw: ConnectwiseFixture; worker: RunningWorker; taskQueue: string }[] = [];

  before(async () => {
    stack = await integration();
    env = stack.env;
  });
  after(async () => {
    await stack.teardown();
    for (const f of fixtures) await f.cw.close();
  });

  /** A simulator, a worker pointed at it, and a verified target (the onboarding's output). */
  const setup = async (opts: Parameters<typeof connectwiseFixture>[0] = {}) => {
    const cw = await connectwiseFixture(opts);
    const worker = await stack.worker(cw.activities, 'cw-sync');
    const taskQueue = worker.taskQueue;
    const f = { cw, worker, taskQueue };
    fixtures.push(f);
    const m = await cw.newMember();
    const connection: ConnectwiseConnection = {
      site: cw.host,
      companyId: cw.sim.state.companyId,
      publicKey: m.publicKey,
      privateKeyRef: m.keyRef,
      clientId: CLIENT_ID,
    };
    const v = await cw.activities.verifyConnectwiseConnection(connection);
    assert.ok(v.ok, JSON.stringify(v));
    const target: CwTarget = { connection, site: v.site };
    const sync = (list: SyncCustomer[], mode: SyncMode = 'apply', extra: Partial<ConnectwiseSyncInputV1> = {}) =>
      env.client.workflow.execute(connectwiseCustomerSync, {
        workflowId: `cw-sync-${randomUUID()}`,
        taskQueue,
        args: [
          {
            customer: 'Contoso MSP',
            vendor: 'Sophos Central',
            target,
            customers: list,
            billing,
            mode,
            createMissingCompanies: true,
            companyAddress: { addressLine1: '1 Via Roma', city: 'Milano' },
            ...extra,
          },
        ],
      });
    return { ...f, sync };
  };

  const assertNoDuplicates = (cw: ConnectwiseFixture) => {
    const ids = cw.sim.state.companies.map((c) => c.identifier.toLowerCase());
    assert.equal(new Set(ids).size, ids.length, 'no duplicate companies');
    const perCompany = cw.sim.state.agreements.map((a) => `${a.company.id}/${a.name}`);
    assert.equal(new Set(perCompany).size, perCompany.length, 'one agreement per company');
    assert.equal(cw.sim.state.catalog.length, 1, 'one catalog item');
  };

  it('created companies carry the order address (ConnectWise requires one); without it nothing is created and the failure names sync.companyAddress', async () => {
    const { cw, sync } = await setup();
    await sync(customers(2, 'ADR'));
    for (const id of ['ADR0001', 'ADR0002']) {
      const c = cw.sim.state.companies.find((x) => x.identifier === id);
      assert.deepEqual([c?.addressLine1, c?.city], ['1 Via Roma', 'Milano'], id);
    }
    const before = cw.sim.state.companies.length;
    const err = await sync(customers(1, 'NOADR'), 'apply', { companyAddress: undefined }).then(
      () => assert.fail('a company without an address must not be attempted'),
      (e: unknown) => e as Error
    );
    // The failure chain (workflow → activity → application failure), as an operator reads it.
    const chain: { message?: string; nonRetryable?: boolean }[] = [];
    for (let e = err as (Error & { cause?: unknown; nonRetryable?: boolean }) | undefined; e; e = e.cause as typeof e)
      chain.push(e);
    const named = chain.find((e) =>
      /^sync\.companyAddress: required when createMissingCompanies is true/.test(e.message ?? '')
    );
    assert.ok(named, chain.map((e) => e.message).join(' <- '));
    assert.equal(named.nonRetryable, true);
    assert.equal(cw.sim.state.companies.length, before, 'nothing created');
  });

  it('puts the catalog item on each agreement as an addition, once: plan mode writes nothing, a re-run adds nothing, one removed by hand comes back', async () => {
    const { cw, sync } = await setup();
    const list = customers(3, 'A');
    const plan = await sync(list, 'plan');
    assert.deepEqual(plan.additions, { created: 3, updated: 0, unchanged: 0 });
    assert.ok(
      plan.plannedChanges
        .filter((c) => /^create company/.test(c))
        .every((c) => /with catalog item SOPHOS-CENTRAL$/.test(c)),
      plan.plannedChanges.join('\n')
    );
    assert.equal(cw.sim.state.additions.length, 0, 'plan mode adds nothing');

    const first = await sync(list);
    assert.deepEqual(first.additions, { created: 3, updated: 0, unchanged: 0 });
    const item = cw.sim.state.catalog[0]!;
    for (const a of cw.sim.state.agreements) {
      const on = cw.sim.state.additions.filter((x) => x.agreementId === a.id);
      assert.equal(on.length, 1, `agreement ${a.id} carries one addition`);
      assert.equal(on[0]!.product.id, item.id);
      assert.equal(on[0]!.billCustomer, 'Billable');
    }
    const writes = cw.sim.writes();
    const second = await sync(list);
    assert.deepEqual(second.additions, { created: 0, updated: 0, unchanged: 3 });
    assert.equal(cw.sim.writes(), writes, 'a re-run writes nothing');

    cw.sim.state.additions.splice(0, 1);
    const third = await sync(list);
    assert.deepEqual(third.additions, { created: 1, updated: 0, unchanged: 2 });
    assert.equal(cw.sim.state.additions.length, 3);
  });

  it('syncs 500 customers with paging (pageSize 25); the second run writes nothing; plan mode reports without writing or renaming', async () => {
    const { cw, sync } = await setup({ pageSize: 25 });
    const list = customers(500, 'S');
    const first = await sync(list);
    assert.deepEqual(first.companies, { created: 500, updated: 0, unchanged: 0 });
    assert.deepEqual(first.agreements, { created: 500, updated: 0, unchanged: 0 });
    assert.equal(first.catalogItem, 'created');
    assert.equal(cw.sim.state.companies.length, 500);
    assertNoDuplicates(cw);
    const companyGets = () => cw.sim.requests.get('GET /v2025_1/apis/3.0/company/companies') ?? 0;
    const getsBefore = companyGets();

    const writesBefore = cw.sim.writes();
    const second = await sync(list);
    assert.deepEqual(second.companies, { created: 0, updated: 0, unchanged: 500 });
    assert.deepEqual(second.agreements, { created: 0, updated: 0, unchanged: 500 });
    assert.equal(second.catalogItem, 'unchanged');
    assert.equal(cw.sim.writes(), writesBefore, 'the re-run wrote nothing');
    // 10 chunks of 50 identifiers, each 2 pages of 25 reached through Link rel="next".
    assert.equal(companyGets() - getsBefore, 20);

    const changed = [
      ...list.slice(0, 497).map((c, i) => (i < 3 ? { ...c, name: `${c.name} (renamed)` } : c)),
      ...customers(2, 'NEW'),
    ];
    const plan = await sync(changed, 'plan');
    // A company whose name differs is matched by identifier and left as the MSP named it.
    assert.deepEqual(plan.companies, { created: 2, updated: 0, unchanged: 497 });
    assert.equal(plan.agreements.created, 2);
    assert.equal(plan.plannedChanges.filter((c) => c.startsWith('rename company')).length, 0);
    assert.equal(cw.sim.writes(), writesBefore, 'plan mode wrote nothing');
  });

  it('a crash between write and acknowledgement, and a racing writer, leave no duplicates', async () => {
    const { cw, sync } = await setup();
    const companyDrops = cw.sim.dropAfterCommit('POST', '/company/companies', 2);
    const agreementDrops = cw.sim.dropAfterCommit('POST', '/finance/agreements', 1);
    const races = cw.sim.raceCompanyCreates(2);
    const list = customers(120, 'X');
    const r = await sync(list);
    assert.equal(companyDrops(), 2, 'company responses were lost after commit');
    assert.equal(agreementDrops(), 1, 'agreement responses were lost after commit');
    assert.equal(races(), 2, 'two creations raced another writer (ObjectExists)');
    assertNoDuplicates(cw);
    assert.equal(cw.sim.state.companies.length, 120);
    assert.equal(cw.sim.state.agreements.length, 120);
    assert.equal(r.companies.created + r.companies.unchanged + r.companies.updated, 120);
  });

  it('a 429 storm completes: every Retry-After paused the tenant, and every request that reached ConnectWise took a paced slot', async () => {
    // Counted, not timed: the limiter store records each request it let leave (`take` of the tenant's send
    // window) and each pause; the simulator counts what it received. That no second carries more than the
    // pace allows is the limiter's own property, pinned with a fake clock in test/unit/logic.test.ts; here,
    // nothing may bypass it, and each 429 must pause the whole tenant for the Retry-After it carried.
    const departures: string[] = [];
    const pauses: { key: string; ms: number }[] = [];
    class RecordingStore extends MemoryLimiterStore {
      override async take(key: string, limit: number, spanMs: number, id?: string) {
        const r = await super.take(key, limit, spanMs, id);
        if (r.taken && /^connectwise:.*:sent$/.test(key)) departures.push(key);
        return r;
      }
      override pause(key: string, ms: number) {
        if (key.startsWith('connectwise:')) pauses.push({ key, ms });
        return super.pause(key, ms);
      }
    }
    const { cw, sync } = await setup({ requestsPerMinute: 900, limiterStore: new RecordingStore() });
    const apiRequests = () =>
      [...cw.sim.requests].filter(([k]) => /\/apis\/3\.0\//.test(k)).reduce((n, [, c]) => n + c, 0);
    const before = { requests: apiRequests(), departures: departures.length };
    const storm = cw.sim.faults.add({
      method: '*',
      path: /\/apis\/3\.0\/(company\/companies|finance\/agreements)$/,
      status: 429,
      times: 6,
      retryAfterSeconds: 1,
      body: { error: 'ConnectWiseAPI', message: 'Too many requests. Please try again in 1 seconds.' },
    });
    const r = await sync(customers(40, 'R'));
    assert.equal(cw.sim.faults.fired(storm), 6, 'the storm happened');
    assert.deepEqual(
      pauses.map((p) => p.ms),
      [1000, 1000, 1000, 1000, 1000, 1000],
      'each 429 paused the tenant for its Retry-After'
    );
    assert.equal(new Set(pauses.map((p) => p.key)).size, 1, 'one tenant');
    const sent = apiRequests() - before.requests;
    assert.ok(sent > 40, `the sync sent its requests (${sent})`);
    assert.equal(
      departures.length - before.departures,
      sent,
      'every request ConnectWise received left through the limiter'
    );
    assert.equal(r.companies.created, 40);
    assertNoDuplicates(cw);
  });
});
