/**
 * The ConnectWise simulator driven by a widely used third-party client, `connectwise-rest` (npm, pinned,
 * types generated from ConnectWise's OpenAPI document), with its defaults apart from the site, company,
 * keys and clientId. connectwise-rest always speaks https, so the simulator is put behind a loopback TLS
 * front with a throwaway self-signed certificate that this process trusts. Every response is validated
 * against the contract schemas in test/contracts/connectwise.ts.
 */
import assert from 'node:assert/strict';
import { tlsFront, type TlsFront } from './helpers/tls-front';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManageAPI } from 'connectwise-rest';
import { request } from 'undici';
import { generate } from 'selfsigned';
import {
  createConnectwiseSimulator,
  type ConnectwiseSimulator,
} from '../src/simulators/connectwise/connectwise-simulator';
import { ALL_AREAS } from '../src/simulators/connectwise/connectwise-state';
import {
  cwAgreement,
  cwCatalogItem,
  cwCompany,
  cwCompanyInfo,
  cwCount,
  cwApiMember,
  cwError,
  cwInfo,
  cwMember,
  cwSecurityRole,
  cwSecurityRoleSetting,
  cwToken,
} from './contracts/connectwise';
import { CLIENT_ID, fullRole } from './helpers/connectwise';

type ClientError = { status: number; data: unknown; message: string };
const failure = async (p: Promise<unknown>): Promise<ClientError> =>
  p.then(
    () => assert.fail('should have failed'),
    (e: ClientError) => e
  );
/** The generated PatchOperation types `value` as an object; ConnectWise takes scalars for scalar fields. */
const scalar = (v: string | number) => v as unknown as Record<string, unknown>;
/** connectwise-rest logs every failed call with console.error by default; keep test output readable. */
const quiet = () => undefined;

describe('ConnectWise simulator through connectwise-rest (third-party client, contract-checked responses)', () => {
  let sim: ConnectwiseSimulator;
  let front: TlsFront;
  let url: string;
  let pems: { private: string; cert: string };
  let roleId = 500;
  const originalCa = https.globalAgent.options.ca;

  const control = async (method: 'POST' | 'PUT', path: string, body: unknown) =>
    (
      await request(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).body.json() as Promise<Record<string, string>>;

  /** An API member with its own role and key pair, as the partner's admin creates it in the UI. */
  const member = async (settings = fullRole()) => {
    const id = ++roleId;
    const identifier = `vendor${id}`;
    await control('PUT', `/_admin/security-roles/${id}`, { name: `Vendor Role ${id}`, settings });
    await control('POST', '/_admin/api-members', { identifier, roleId: id });
    const keys = await control('POST', `/_admin/api-members/${identifier}/api-keys`, { description: 'test' });
    return { identifier, roleId: id, publicKey: keys.publicKey!, privateKey: keys.privateKey! };
  };
  const client = (keys: { publicKey: string; privateKey: string }, companyId = sim.state.companyId) =>
    new ManageAPI({
      companyId,
      companyUrl: front.host,
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      clientId: CLIENT_ID,
      entryPoint: sim.state.codebase.replace(/\/$/, ''),
      logger: quiet,
    });

  before(async () => {
    pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    // Trust the throwaway certificate for this process's default https agent (what axios uses by default).
    https.globalAgent.options.ca = pems.cert;
    sim = createConnectwiseSimulator({ siteUrl: 'na.myconnectwise.net' });
    url = await sim.listen();
    front = await tlsFront(url, { key: pems.private, cert: pems.cert });
  });
  after(async () => {
    https.globalAgent.options.ca = originalCa;
    await front?.close();
    await sim?.close();
  });

  it('companyinfo has the documented fields, SiteUrl included', async () => {
    const res = await request(`${url}/Login/CompanyInfo/${sim.state.companyId.toUpperCase()}`);
    const body = cwCompanyInfo.parse(await res.body.json());
    assert.equal(body.SiteUrl, 'na.myconnectwise.net');
    assert.equal(body.Codebase, sim.state.codebase);
  });

  it('system/info, members and the role settings Onramp reads (spec-cased /system/securityRoles/{id}/settings)', async () => {
    const m = await member();
    const cw = client(m);
    cwInfo.parse(await cw.SystemAPI.getSystemInfo());
    const members = await cw.SystemAPI.getSystemMembers({ conditions: `identifier="${m.identifier}"` });
    assert.equal(members.length, 1);
    const me = cwMember.parse(members[0]);
    assert.equal(me.securityRole?.id, m.roleId);
    cwSecurityRole.parse((await cw.SystemAPI.getSystemSecurityroles({ conditions: `id=${m.roleId}` }))[0]);
    const settings = await cw.SystemAPI.getSystemSecurityRolesByParentIdSettings(m.roleId, { pageSize: 1000 });
    assert.equal(settings.length, ALL_AREAS.length);
    for (const s of settings) cwSecurityRoleSetting.parse(s);
    const agreements = settings.find((s) => s.moduleName === 'Finance' && s.moduleFunctionName === 'Agreements');
    assert.deepEqual(
      [agreements?.addLevel, agreements?.editLevel, agreements?.inquireLevel, agreements?.deleteLevel],
      ['All', 'All', 'All', 'None']
    );
    const count = cwCount.parse(await cw.SystemAPI.getSystemMembersCount({ conditions: `licenseClass="A"` }));
    assert.ok(count.count >= 1);
  });

  it('companies: create, ObjectExists on a duplicate, conditions grammar, orderBy, count, paging, patch', async () => {
    const cw = client(await member());
    const ids: number[] = [];
    for (const [identifier, name] of [
      ['TP-ALPHA', 'Alpha Labs'],
      ['TP-BETA', 'Beta Works'],
      ['TP-GAMMA', 'Gamma Alpha Group'],
      ['TP-DELTA', 'Delta'],
      ['TP-EPS', 'Epsilon'],
    ]) {
      const c = cwCompany.parse(
        await cw.CompanyAPI.postCompanyCompanies({ identifier: identifier!, name: name!, city: 'Milano' })
      );
      ids.push(c.id);
    }
    const dup = await failure(
      cw.CompanyAPI.postCompanyCompanies({ identifier: 'tp-alpha', name: 'Again', city: 'Milano' })
    );
    assert.equal(dup.status, 400);
    const body = cwError.parse(dup.data);
    assert.equal(body.errors?.[0]?.code, 'ObjectExists');
    assert.equal(body.errors?.[0]?.field, 'identifier');

    const names = async (conditions: string, orderBy?: string) =>
      (await cw.CompanyAPI.getCompanyCompanies({ conditions, orderBy, pageSize: 1000 })).map((c) => c.identifier);
    assert.deepEqual(await names('identifier in ("TP-ALPHA","tp-delta")'), ['TP-ALPHA', 'TP-DELTA']);
    assert.deepEqual(await names('identifier="TP-BETA" or identifier="TP-EPS"'), ['TP-BETA', 'TP-EPS']);
    assert.deepEqual(await names('name contains "alpha"'), ['TP-ALPHA', 'TP-GAMMA']);
    assert.deepEqual(await names('identifier like "TP-*A" and not (name contains "Gamma")'), [
      'TP-ALPHA',
      'TP-BETA',
      'TP-DELTA',
    ]);
    assert.deepEqual(await names(`id > ${ids[2]} and id <= ${ids[4]}`), ['TP-DELTA', 'TP-EPS']);
    assert.deepEqual(await names(`(id >= ${ids[3]} or identifier = "TP-ALPHA") and status/name = "Active"`), [
      'TP-ALPHA',
      'TP-DELTA',
      'TP-EPS',
    ]);
    assert.deepEqual(await names('identifier like "TP-*"', 'name desc'), [
      'TP-GAMMA',
      'TP-EPS',
      'TP-DELTA',
      'TP-BETA',
      'TP-ALPHA',
    ]);
    assert.deepEqual(await names('site = null and _info/lastUpdated > [2020-01-01T00:00:00Z]'), [
      'TP-ALPHA',
      'TP-BETA',
      'TP-GAMMA',
      'TP-DELTA',
      'TP-EPS',
    ]);
    const bad = await failure(cw.CompanyAPI.getCompanyCompanies({ conditions: 'identifier = TP-ALPHA' }));
    assert.equal(bad.status, 400);
    cwError.parse(bad.data);
    const unknown = await failure(cw.CompanyAPI.getCompanyCompanies({ conditions: 'nosuchfield = 1' }));
    assert.equal(unknown.status, 400);

    assert.deepEqual(
      cwCount.parse(await cw.CompanyAPI.getCompanyCompaniesCount({ conditions: 'identifier like "TP-*"' })),
      {
        count: 5,
      }
    );
    // connectwise-rest's paginate(): page/pageSize until a short page.
    const all = await cw.paginate(
      cw.CompanyAPI.getCompanyCompanies,
      { pageSize: 2 },
      { conditions: 'identifier like "TP-*"' }
    );
    assert.equal(all.length, 5);
    // Forward-only paging: pageId = the last id seen.
    const after2 = await cw.CompanyAPI.getCompanyCompanies({
      conditions: 'identifier like "TP-*"',
      pageId: ids[1],
      pageSize: 2,
    });
    assert.deepEqual(
      after2.map((c) => c.id),
      [ids[2], ids[3]]
    );

    const renamed = cwCompany.parse(
      await cw.CompanyAPI.patchCompanyCompaniesById(ids[0]!, [
        { op: 'replace', path: 'name', value: scalar('Alpha Renamed') },
      ])
    );
    assert.equal(renamed.name, 'Alpha Renamed');
    cwCompany.parse(await cw.CompanyAPI.getCompanyCompaniesById(ids[0]!));
  });

  it('a company needs an address field (OpenAPI Company) and each field its JSON type; ConnectWise error body', async () => {
    const cw = client(await member());
    const noAddress = await failure(
      cw.CompanyAPI.postCompanyCompanies({ identifier: 'TP-NOADDR', name: 'No Address' })
    );
    assert.equal(noAddress.status, 400);
    const body = cwError.parse(noAddress.data);
    assert.equal(body.code, 'InvalidObject');
    assert.match(body.errors?.[0]?.message ?? '', /At least one address field is required -- addressLine1/);
    // Blank is not an address.
    const blank = await failure(cw.CompanyAPI.postCompanyCompanies({ identifier: 'TP-BLANK', name: 'B', city: ' ' }));
    assert.equal(blank.status, 400);
    for (const [field, value] of [
      ['name', ['Array Co']],
      ['identifier', 42],
      ['city', { name: 'Milano' }],
      ['site', 'Main'],
    ] as const) {
      const wrong = await failure(
        cw.CompanyAPI.postCompanyCompanies({
          identifier: 'TP-TYPES',
          name: 'Typed',
          city: 'Milano',
          [field]: value,
        })
      );
      assert.equal(wrong.status, 400, field);
      const e = cwError.parse(wrong.data);
      assert.deepEqual(
        e.errors?.map((x) => [x.code, x.field]),
        [['InvalidField', field]],
        field
      );
    }
    assert.equal(
      (
        await cw.CompanyAPI.getCompanyCompanies({
          conditions: 'identifier like "TP-NOADDR*" or identifier = "TP-TYPES"',
        })
      ).length,
      0,
      'nothing was created'
    );
    const created = cwCompany.parse(
      await cw.CompanyAPI.postCompanyCompanies({ identifier: 'TP-ADDR', name: 'Addressed', addressLine1: '1 Via Roma' })
    );
    assert.equal(created.addressLine1, '1 Via Roma');
    const renamedToArray = await failure(
      cw.CompanyAPI.patchCompanyCompaniesById(created.id, [
        { op: 'replace', path: 'name', value: ['x'] as unknown as Record<string, unknown> },
      ])
    );
    assert.equal(renamedToArray.status, 400);
    assert.equal(cwError.parse(renamedToArray.data).errors?.[0]?.field, 'name');
  });

  it('GET /system/apiMembers answers the ApiMember schema (not Member)', async () => {
    const m = await member();
    const cw = client(m);
    const list = await cw.SystemAPI.getSystemApiMembers({ conditions: `identifier="${m.identifier}"` });
    assert.equal(list.length, 1);
    const me = cwApiMember.parse(list[0]);
    assert.equal(me.identifier, m.identifier);
    assert.equal(me.securityRole?.id, m.roleId);
    assert.equal(cwApiMember.parse(await cw.SystemAPI.getSystemApiMembersById(me.id)).identifier, m.identifier);
    assert.ok(cwCount.parse(await cw.SystemAPI.getSystemApiMembersCount()).count >= 1);
  });

  it('a trailing slash is answered as the path without it (/system/info/, /company/companies/)', async () => {
    const cw = client(await member());
    cwInfo.parse(await cw.request({ path: '/system/info/' }));
    const created = cwCompany.parse(
      await cw.request({
        path: '/company/companies/',
        method: 'post',
        data: { identifier: 'TP-SLASH', name: 'Slash Co', city: 'Milano' },
      })
    );
    const listed = (await cw.request({
      path: '/company/companies/',
      params: { conditions: 'identifier="TP-SLASH"' },
    })) as unknown[];
    assert.deepEqual(
      listed.map((c) => cwCompany.parse(c).id),
      [created.id]
    );
    cwCompany.parse(await cw.request({ path: `/company/companies/${created.id}/` }));
  });

  it('agreements and catalog items, as Onramp writes and reads them', async () => {
    const cw = client(await member());
    const company = await cw.CompanyAPI.postCompanyCompanies({
      identifier: 'TP-AGR',
      name: 'Agreement Co',
      zip: '20121',
    });
    const a = cwAgreement.parse(
      await cw.FinanceAPI.postFinanceAgreements({
        name: 'Sophos MDR',
        type: { name: 'Security Services' },
        company: { id: company.id },
        startDate: '2026-01-01T00:00:00Z',
      })
    );
    const found = await cw.FinanceAPI.getFinanceAgreements({
      conditions: `company/id in (${company.id}) AND name="Sophos MDR"`,
      fields: 'id,name,type,company',
    });
    assert.deepEqual(
      found.map((x) => x.id),
      [a.id]
    );
    cwAgreement.parse(
      await cw.FinanceAPI.patchFinanceAgreementsById(a.id, [{ op: 'replace', path: 'type', value: { name: 'MSP' } }])
    );
    const item = cwCatalogItem.parse(
      await cw.ProcurementAPI.postProcurementCatalog({
        identifier: 'TP-SKU',
        description: 'Sophos MDR seat',
        customerDescription: 'Sophos MDR seat',
        price: 12,
      })
    );
    const dup = await failure(
      cw.ProcurementAPI.postProcurementCatalog({ identifier: 'TP-SKU', description: 'x', customerDescription: 'x' })
    );
    assert.equal(cwError.parse(dup.data).errors?.[0]?.code, 'ObjectExists');
    cwCatalogItem.parse(
      await cw.ProcurementAPI.patchProcurementCatalogById(item.id, [
        { op: 'replace', path: 'price', value: scalar(15) },
      ])
    );
  });

  it('POST /system/members/{memberIdentifier}/tokens returns a working key pair', async () => {
    const admin = await member();
    const target = await member();
    const token = cwToken.parse(
      await client(admin).SystemAPI.postSystemMembersByMemberIdentifierTokens(target.identifier)
    );
    const info = await client(token).SystemAPI.getSystemInfo();
    assert.equal(typeof info.version, 'string');
    const missing = await failure(client(admin).SystemAPI.postSystemMembersByMemberIdentifierTokens('nobody'));
    assert.equal(missing.status, 404);
    cwError.parse(missing.data);
  });

  it('errors Onramp classifies: 401 bad keys, 403 role, 404 record, 400 clientId, each with the error body', async () => {
    const m = await member();
    const wrongKey = await failure(client({ ...m, privateKey: 'x'.repeat(16) }).SystemAPI.getSystemInfo());
    assert.equal(wrongKey.status, 401);
    cwError.parse(wrongKey.data);

    const noFinance = await member({ ...fullRole(), 'Finance/Agreements': { inquire: 'None' } });
    const denied = await failure(client(noFinance).FinanceAPI.getFinanceAgreements());
    assert.equal(denied.status, 403);
    assert.match(cwError.parse(denied.data).message, /Finance > Agreements/);

    const notFound = await failure(client(m).CompanyAPI.getCompanyCompaniesById(987654));
    assert.equal(notFound.status, 404);
    cwError.parse(notFound.data);

    const unknownRoute = await failure(client(m).request({ path: '/no/such/thing' }));
    assert.equal(unknownRoute.status, 404);
    cwError.parse(unknownRoute.data);
  });

  it('429 past the rate limit reaches the client with the documented body', async () => {
    const limited = createConnectwiseSimulator({ requestsPerWindow: 2 });
    const limitedUrl = await limited.listen();
    const limitedFront = await tlsFront(limitedUrl, { key: pems.private, cert: pems.cert });
    try {
      const cw = new ManageAPI({
        companyId: limited.state.companyId,
        companyUrl: limitedFront.host,
        publicKey: 'p'.repeat(16),
        privateKey: 'k'.repeat(16),
        clientId: CLIENT_ID,
        entryPoint: limited.state.codebase.replace(/\/$/, ''),
        logger: quiet,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await failure(cw.SystemAPI.getSystemInfo())).status);
      assert.deepEqual(statuses, [401, 401, 429]);
      const throttled = await failure(cw.SystemAPI.getSystemInfo());
      assert.deepEqual(throttled.data, {
        error: 'ConnectWiseAPI',
        message: 'Too many requests. Please try again in 30 seconds.',
      });
    } finally {
      await limitedFront.close();
      await limited.close();
    }
  });
});

describe('ConnectWise simulator rate limit (on by default, the documented ~1,000/min)', () => {
  it('is on without options, and answers 429 + Retry-After with the documented body past the limit', async () => {
    const sim = createConnectwiseSimulator({ requestsPerWindow: 3 });
    assert.equal(createConnectwiseSimulator().options.rateLimit?.limit, 1000);
    assert.equal(createConnectwiseSimulator().options.rateLimit?.windowMs, 60_000);
    assert.equal(createConnectwiseSimulator({ rateLimit: false }).options.rateLimit, undefined);
    const url = await sim.listen();
    try {
      const codes: number[] = [];
      let last: Awaited<ReturnType<typeof request>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await request(`${url}/${sim.state.codebase}apis/3.0/system/info`, { headers: { clientid: CLIENT_ID } });
        codes.push(last.statusCode);
        if (i < 3) await last.body.dump();
      }
      assert.deepEqual(codes, [401, 401, 401, 429]);
      assert.ok(Number(last!.headers['retry-after']) >= 1);
      assert.deepEqual(await last!.body.json(), {
        error: 'ConnectWiseAPI',
        message: 'Too many requests. Please try again in 30 seconds.',
      });
      // companyinfo is outside the API and never throttled.
      assert.equal((await request(`${url}/login/companyinfo/${sim.state.companyId}`)).statusCode, 200);
    } finally {
      await sim.close();
    }
  });
});

describe('ConnectWise simulator state file (what the sandbox keeps across restarts)', () => {
  it('roles, members, key hashes and records survive a restart; private keys are never written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onramp-cw-state-'));
    const stateFile = join(dir, 'connectwise.json');
    const first = createConnectwiseSimulator({ stateFile, rateLimit: false });
    const url1 = await first.listen();
    const post = async (base: string, path: string, body: unknown, method: 'POST' | 'PUT' = 'POST') =>
      (
        await request(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).body.json() as Promise<Record<string, string>>;
    await post(url1, '/_admin/security-roles/7', { name: 'Persisted', settings: fullRole() }, 'PUT');
    await post(url1, '/_admin/api-members', { identifier: 'keeper', roleId: 7 });
    const keys = await post(url1, '/_admin/api-members/keeper/api-keys', { description: 'x' });
    const auth = `Basic ${Buffer.from(`${first.state.companyId}+${keys.publicKey}:${keys.privateKey}`).toString('base64')}`;
    const api = (base: string) => `${base}/${first.state.codebase}apis/3.0`;
    const headers = { authorization: auth, clientid: CLIENT_ID, 'content-type': 'application/json' };
    const created = await request(`${api(url1)}/company/companies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ identifier: 'KEEP', name: 'Kept', city: 'Milano' }),
    });
    assert.equal(created.statusCode, 201);
    await created.body.dump();
    await first.close();
    assert.ok(!readFileSync(stateFile, 'utf8').includes(keys.privateKey!), 'no private key on disk');

    const second = createConnectwiseSimulator({ stateFile, rateLimit: false });
    const url2 = await second.listen();
    try {
      const res = await request(
        `${api(url2)}/company/companies?conditions=${encodeURIComponent('identifier="KEEP"')}`,
        {
          headers,
        }
      );
      assert.equal(res.statusCode, 200, 'the old key still authenticates');
      assert.deepEqual(
        ((await res.body.json()) as { name: string }[]).map((c) => c.name),
        ['Kept']
      );
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
