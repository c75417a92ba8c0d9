import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutotaskApiError, AutotaskRestApi, FilterOperators } from '@apigrate/autotask-restapi';
import * as c from './contracts/autotask';
import {
  autotaskFixture,
  INTEGRATION_CODE,
  INTEGRATION_VENDOR,
  type AutotaskFixture,
  type TestUser,
} from './helpers/autotask';
import { vendorTrackingIdentifier } from '../src/simulators/autotask/autotask-admin-routes';

/**
 * The Autotask simulator driven by a widely used third-party client, @apigrate/autotask-restapi 2.0.1
 * (default settings except the base URL), through the calls Onramp makes and the errors it classifies.
 * Every answer is checked against the contract shapes in test/contracts/autotask.ts. The client builds
 * `.../ATServicesRest/v1.0/zoneInformation` (lower-case v), then `{zone url}V1.0/...`, sends
 * `Content-Type: application/json` on every call (DELETE included, with no body), and turns 404 into null.
 * It knows Company and Contact webhooks only (no Ticket webhooks), so webhooks are driven through
 * CompanyWebhooks: the simulator serves every webhook entity with the same code.
 *
 * The client plays the vendor's own software (Sophos Central), which alone holds its tracking identifier and
 * passes it on every call (Autotask help, "The API tracking identifier"); the API users are bound to
 * "Sophos Central - Security" as an admin selected it.
 */
describe('Autotask simulator through @apigrate/autotask-restapi (real HTTP, contract-checked)', () => {
  let at: AutotaskFixture;
  let u: TestUser;
  let api: AutotaskRestApi;
  const client = (user: TestUser, secret = user.user.secret) =>
    new AutotaskRestApi(user.credentials.username, secret, INTEGRATION_CODE, {
      base_url: `${at.simUrl}/ATServicesRest/`,
    });
  const rejection = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => assert.fail('should have been rejected'),
      (e: unknown) => e
    );
    assert.ok(err instanceof AutotaskApiError, String(err));
    return err;
  };

  before(async () => {
    at = await autotaskFixture();
    u = at.addUser();
    api = client(u);
  });
  after(() => at.close());

  it('zone lookup (case-insensitive route), VersionInformation and ThresholdInformation', async () => {
    const t = c.expectShape(c.thresholdInformation, await api._get('/ThresholdInformation'), 'ThresholdInformation');
    assert.equal(t.externalRequestThreshold, 10_000);
    assert.equal(t.requestThresholdTimeframe, 60);
    const zone = c.expectShape(c.zoneInformation, api.zoneInfo, 'zoneInformation');
    assert.equal(zone.url, `${at.simUrl}/ATServicesRest/`, 'the client found the zone instead of falling back');
    const versions = await (await fetch(`${at.simUrl}/atservicesrest/versioninformation`)).json();
    assert.deepEqual(c.expectShape(c.versionInformation, versions, 'VersionInformation').apiVersions, ['1.0']);
  });

  it('entityInformation: canX is what the API supports, userAccessForX the user’s own access (0/1/2)', async () => {
    const level = at.level('Third-party restricted', {
      without: { Contacts: ['query'] },
      restricted: { Tickets: ['update'] },
    });
    const r = client(at.addUser({ level }));
    const tickets = c.expectShape(c.entityInformation, await r.Tickets.info(), 'Tickets/entityInformation').info;
    assert.equal(tickets.canUpdate, true);
    assert.equal(tickets.userAccessForUpdate, 2);
    assert.equal(tickets.userAccessForCreate, 1);
    assert.equal(tickets.canDelete, false, 'the API cannot delete tickets, whoever asks');
    assert.equal(tickets.supportsWebhookCallouts, true);
    const contacts = c.expectShape(c.entityInformation, await r.Contacts.info(), 'Contacts/entityInformation').info;
    assert.equal(contacts.canQuery, true);
    assert.equal(contacts.userAccessForQuery, 0);
    const resources = c.expectShape(c.entityInformation, await api.Resources.info(), 'Resources/entityInformation');
    assert.equal(resources.info.canCreate, false, 'API users are created in the UI only');
  });

  it('entityInformation/fields and /userDefinedFields carry realistic metadata; webhook field ids are a picklist', async () => {
    const fields = c.expectShape(
      c.fieldsResult,
      await api.Tickets.fieldInfo(),
      'Tickets/entityInformation/fields'
    ).fields;
    const status = fields.find((f) => f.name === 'status')!;
    assert.equal(status.dataType, 'integer');
    assert.ok(status.isRequired && status.isPickList && status.isSupportedWebhookField);
    assert.ok(status.picklistValues!.some((v) => v.label === 'Complete' && v.value === '5'));
    const companyID = fields.find((f) => f.name === 'companyID')!;
    assert.ok(companyID.isReference);
    assert.equal(companyID.referenceEntityType, 'Company');
    assert.ok(fields.find((f) => f.name === 'id')!.isReadOnly);
    assert.ok(!fields.some((f) => 'id' in f && typeof (f as { id?: unknown }).id === 'number'), 'no field ids here');
    const child = c.expectShape(
      c.fieldsResult,
      await api.CompanyWebhookFields.fieldInfo(),
      'CompanyWebhookFields fields'
    );
    const ids = child.fields.find((f) => f.name === 'fieldID')!;
    assert.ok(ids.isPickList);
    assert.ok(ids.picklistValues!.some((v) => v.label === 'companyName'));
    const udfs = c.expectShape(
      c.udfResult,
      await api.Companies.udfInfo(),
      'Companies/entityInformation/userDefinedFields'
    );
    assert.ok(udfs.fields.length >= 1);
  });

  it('query: every documented operator, nested and/or groups, includeFields, MaxRecords and query/count', async () => {
    const ids: number[] = [];
    for (const [title, status, priority] of [
      ['Disk full on FS01', 1, 2],
      ['Printer offline', 5, 3],
      ['VPN down for sales', 8, 1],
    ] as const) {
      const r = c.expectShape(
        c.operationResult,
        await api.Tickets.create({ title, status, priority, companyID: 0 }),
        'create'
      );
      ids.push(r.itemId);
    }
    const q = async (filter: unknown[], extra: Record<string, unknown> = {}) => {
      const r = c.expectShape(
        c.queryResult(c.itemLike),
        await api.Tickets.query({ filter, ...extra }),
        'Tickets/query'
      );
      return r.items.map((i) => i.title).sort();
    };
    const f = (op: string, field: string, value?: unknown) => ({ op, field, value });
    assert.deepEqual(await q([f('contains', 'title', 'OFFLINE')]), ['Printer offline']);
    assert.deepEqual(await q([f('beginsWith', 'title', 'disk')]), ['Disk full on FS01']);
    assert.deepEqual(await q([f('endsWith', 'title', 'sales')]), ['VPN down for sales']);
    assert.deepEqual(await q([f('gte', 'status', 5)]), ['Printer offline', 'VPN down for sales']);
    assert.deepEqual(await q([f('gt', 'status', 5)]), ['VPN down for sales']);
    assert.deepEqual(await q([f('lt', 'priority', 3)]), ['Disk full on FS01', 'VPN down for sales']);
    assert.deepEqual(await q([f('lte', 'priority', 1)]), ['VPN down for sales']);
    assert.deepEqual(await q([f('noteq', 'status', 5)]), ['Disk full on FS01', 'VPN down for sales']);
    assert.deepEqual(await q([f('in', 'status', [1, 5])]), ['Disk full on FS01', 'Printer offline']);
    assert.deepEqual(await q([f('notIn', 'status', [1, 5])]), ['VPN down for sales']);
    assert.deepEqual(await q([f('exist', 'title')]), ['Disk full on FS01', 'Printer offline', 'VPN down for sales']);
    assert.deepEqual(await q([f('notExist', 'description')]).then((t) => t.length), 3);
    assert.ok(Object.values(FilterOperators).every((op) => typeof op === 'string'));
    assert.deepEqual(
      await q([
        {
          op: 'or',
          items: [f('eq', 'status', 5), { op: 'and', items: [f('eq', 'priority', 1), f('contains', 'title', 'vpn')] }],
        },
      ]),
      ['Printer offline', 'VPN down for sales']
    );
    const projected = await api.Tickets.query({ filter: [f('eq', 'id', ids[0])], includeFields: ['id', 'Title'] });
    assert.deepEqual((projected.items as unknown[])[0], { id: ids[0], title: 'Disk full on FS01' });
    assert.equal(
      ((await api.Tickets.query({ filter: [f('gte', 'id', 0)], maxRecords: 2 })).items as unknown[]).length,
      2
    );
    const count = c.expectShape(c.queryCount, await api.Tickets.count({ filter: [f('noteq', 'status', 5)] }), 'count');
    assert.equal(count.queryCount, 2);
    // URL form of the query: GET .../query?search={json}
    const viaGet = await api._get(
      `/Tickets/query?search=${encodeURIComponent(JSON.stringify({ filter: [f('eq', 'status', 8)] }))}`
    );
    assert.equal(c.expectShape(c.queryResult(c.itemLike), viaGet, 'GET query').items.length, 1);
  });

  it('an unknown field answers HTTP 500 with an errors array; an unknown operator is dropped, as live Autotask does', async () => {
    const err = await rejection(api.Tickets.query({ filter: [{ op: 'eq', field: 'projectID', value: 1 }] }));
    assert.equal(err.status, 500);
    assert.deepEqual(c.expectShape(c.errorBody, err.details, 'error body').errors, [
      'Unable to find projectID in the Ticket Entity',
    ]);
    const all = (await api.Tickets.count({ filter: [{ op: 'gte', field: 'id', value: 0 }] })).queryCount;
    const dropped = (await api.Tickets.count({ filter: [{ op: 'ne', field: 'status', value: 5 }] })).queryCount;
    assert.equal(dropped, all, '`ne` is not an operator: the clause is ignored, not an error');
  });

  it('webhooks: create, fields, query, PATCH and PUT update, delete a field, delete the webhook (DELETE with a JSON content type)', async () => {
    const hook = c.expectShape(
      c.operationResult,
      await api.CompanyWebhooks.create({
        name: 'third-party-Company',
        webhookUrl: `${at.receiverUrl}/webhooks/autotask/tp`,
        deactivationUrl: `${at.receiverUrl}/webhooks/autotask/tp/deactivated`,
        secretKey: 'a-secret-of-sixteen',
        isActive: true,
        isSubscribedToCreateEvents: true,
        isSubscribedToUpdateEvents: true,
        isSubscribedToDeleteEvents: false,
        sendThresholdExceededNotification: true,
      }),
      'webhook create'
    ).itemId;
    const nameFieldId = Number(
      (
        (await api.CompanyWebhookFields.fieldInfo()) as {
          fields: { name: string; picklistValues: { value: string; label: string }[] }[];
        }
      ).fields
        .find((x) => x.name === 'fieldID')!
        .picklistValues.find((v) => v.label === 'companyName')!.value
    );
    const field = c.expectShape(
      c.operationResult,
      await api.CompanyWebhookFields.create(hook, {
        fieldID: nameFieldId,
        isSubscribedField: true,
        isDisplayAlwaysField: false,
      }),
      'field create'
    ).itemId;
    await api.CompanyWebhookExcludedResources.create(hook, { resourceID: u.user.resourceId });
    const listed = c.expectShape(
      c.queryResult(c.webhookField),
      await api._get(`/CompanyWebhooks/${hook}/Fields`),
      'Fields'
    );
    assert.deepEqual(
      listed.items.map((x) => x.fieldID),
      [nameFieldId]
    );
    const excluded = await api._get(`/CompanyWebhooks/${hook}/ExcludedResources`);
    c.expectShape(c.queryResult(c.webhookExcludedResource), excluded, 'ExcludedResources');
    const byName = c.expectShape(
      c.queryResult(c.webhook),
      await api.CompanyWebhooks.query({ filter: [{ op: 'eq', field: 'name', value: 'third-party-Company' }] }),
      'CompanyWebhooks/query'
    ).items[0]!;
    assert.equal(byName.sendThresholdExceededNotification, true, 'stored, not dropped');
    assert.equal(byName.isReady, true);
    assert.equal(byName.ownerResourceID, u.user.resourceId);

    await api.CompanyWebhooks.update({ id: hook, notificationEmailAddress: 'noc@acme-msp.example' });
    let now = c.expectShape(c.itemResult(c.webhook), await api.CompanyWebhooks.get(hook), 'webhook get').item!;
    assert.equal(now.notificationEmailAddress, 'noc@acme-msp.example');
    assert.equal(now.isSubscribedToUpdateEvents, true, 'PATCH leaves what it does not name');
    await api.CompanyWebhooks.replace({
      id: hook,
      name: 'third-party-Company',
      webhookUrl: `${at.receiverUrl}/webhooks/autotask/tp`,
      deactivationUrl: `${at.receiverUrl}/webhooks/autotask/tp/deactivated`,
      isActive: true,
      isSubscribedToCreateEvents: true,
    });
    now = c.expectShape(c.itemResult(c.webhook), await api.CompanyWebhooks.get(hook), 'webhook get').item!;
    assert.equal(now.isSubscribedToUpdateEvents, false, 'PUT replaces: what it does not name is reset');
    assert.equal(now.notificationEmailAddress, null);

    c.expectShape(c.operationResult, await api.CompanyWebhookFields.delete(hook, field), 'field delete');
    now = c.expectShape(c.itemResult(c.webhook), await api.CompanyWebhooks.get(hook), 'webhook get').item!;
    assert.equal(now.isReady, false, 'without a subscribed field the webhook is no longer ready');
    c.expectShape(c.operationResult, await api.CompanyWebhooks.delete(hook), 'webhook delete');
    assert.equal((await api.CompanyWebhooks.get(hook))?.item, null);
  });

  it('errors Onramp classifies: wrong secret 401, unknown user 500, missing permission 403, thread limit 429', async () => {
    const wrong = await rejection(client(u, 'not-the-secret').Tickets.info());
    assert.equal(wrong.status, 401);
    const noLevel = at.level('Third-party no contacts', { without: { Contacts: ['query'] } });
    const denied = await rejection(
      client(at.addUser({ level: noLevel })).Contacts.query({ filter: [{ op: 'gte', field: 'id', value: 0 }] })
    );
    assert.equal(denied.status, 403);
    c.expectShape(c.errorBody, denied.details, '403 body');

    const slow = await autotaskFixture({ callLatencyMs: [150, 150] });
    try {
      const s = slow.addUser();
      const sapi = new AutotaskRestApi(s.credentials.username, s.user.secret, INTEGRATION_CODE, {
        base_url: `${slow.simUrl}/ATServicesRest/`,
      });
      await sapi._get('/ThresholdInformation'); // the zone lookup, done once
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => sapi.Tickets.info()));
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AutotaskApiError] : []));
      assert.equal(refused.length, 2, 'three threads per endpoint, the other two refused');
      for (const e of refused) {
        assert.equal(e.status, 429);
        assert.match(c.expectShape(c.errorBody, e.details, '429 body').errors[0]!, /thread threshold of 3 threads/);
      }
      assert.equal(slow.sim.throttled(), 2);
      assert.equal(slow.sim.maxConcurrency.get(`${INTEGRATION_CODE}|Tickets`), 4, 'the peak counts a refused 4th call');
    } finally {
      await slow.close();
    }

    const nobody = new AutotaskRestApi('nobody@acme-msp.example', 'x', INTEGRATION_CODE, {
      base_url: `${at.simUrl}/ATServicesRest/`,
    });
    const origError = console.error;
    console.error = () => {}; // the client logs the failed zone lookup before falling back to base_url
    try {
      const unknown = await rejection(nobody.Tickets.info());
      assert.equal(unknown.status, 500);
      assert.match(c.expectShape(c.errorBody, unknown.details, '500 body').errors[0]!, /Unable to find an API user/);
    } finally {
      console.error = origError;
    }
  });

  it("another vendor's software with this API user: HTTP 500 {errors}, the user is bound to the vendor the admin selected", async () => {
    assert.equal(INTEGRATION_VENDOR, 'Sophos Central - Security');
    const otherVendor = new AutotaskRestApi(
      u.credentials.username,
      u.user.secret,
      vendorTrackingIdentifier('Office Protect - Alert Integration')!,
      { base_url: `${at.simUrl}/ATServicesRest/` }
    );
    const refused = await rejection(otherVendor.Tickets.info());
    assert.equal(refused.status, 500);
    assert.match(c.expectShape(c.errorBody, refused.details, '500 body').errors[0]!, /IntegrationCode is invalid/);
    // The vendor it was bound to is still served.
    assert.ok((await api.Tickets.info()) !== null);
  });
});
