/**
 * The workflows' zod-free default fillers and Update validators (src/rules) against the door's zod
 * schemas, without a Temporal server (part of `npm run test:mutation`): a workflow started around the door
 * must see the defaults the door would have filled, and an Update sent around the door must be refused
 * exactly when the door refuses it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import {
  autotaskCredentialsSchema,
  autotaskOnboardingInputSchema,
  autotaskRotationInputSchema,
  autotaskSecretRotationInputSchema,
  credentialProblems,
  fillAutotaskOnboardingDefaults,
  fillAutotaskRotationDefaults,
  fillAutotaskSecretRotationDefaults,
  normaliseCredentials,
} from '../../src/domain/autotask-schema';
import {
  connectionPatchProblems,
  connectionPatchSchema,
  fillConnectwiseOnboardingDefaults,
  normaliseConnectionPatch,
  onboardingInputSchema as connectwiseInputSchema,
} from '../../src/domain/connectwise-schema';
import {
  cwKeyRotationInputSchema,
  fillCwKeyRotationDefaults,
  newKeyProblems,
  newKeySchema,
  normaliseNewKey,
} from '../../src/domain/connectwise-key-rotation-schema';
import type { Filler } from '../../src/rules/fill-defaults';
import { array, missingFields, object, value } from '../../src/rules/fill-defaults';
import { fillOrderDefaults, orderSchema } from '../../src/domain/customer-onboarding-schema';
import { driftCheckInputSchema, fillDriftCheckDefaults } from '../../src/domain/drift-schema';
import { adminRoleInputSchema, fillAdminRoleDefaults } from '../../src/domain/google-admin-roles-schema';
import { delegationInputSchema, fillDelegationDefaults } from '../../src/domain/google-delegation-schema';
import { fillOffboardingDefaults, offboardingInputSchema } from '../../src/domain/offboarding-schema';
import { inputProblems } from '../../src/domain/field-validators';
import * as f from './fixtures-domain';
import { fieldPaths, without } from '../helpers/field-paths';

/** JSON with keys sorted: the fillers append defaulted keys, zod keeps the shape's order. */
const canon = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x
  );

/** Each schema, its filler, and an input with every optional field present (from fixtures-domain). */
const CASES: [string, z.ZodType, Filler, () => unknown][] = [
  ['delegation', delegationInputSchema, fillDelegationDefaults, f.delegation],
  ['admin roles', adminRoleInputSchema, fillAdminRoleDefaults, f.adminRole],
  ['autotask onboarding', autotaskOnboardingInputSchema, fillAutotaskOnboardingDefaults, f.autotask],
  ['autotask rotation', autotaskRotationInputSchema, fillAutotaskRotationDefaults, f.autotaskRotation],
  [
    'autotask secret rotation',
    autotaskSecretRotationInputSchema,
    fillAutotaskSecretRotationDefaults,
    f.autotaskSecretRotation,
  ],
  ['connectwise onboarding', connectwiseInputSchema, fillConnectwiseOnboardingDefaults, f.connectwise],
  ['connectwise key rotation', cwKeyRotationInputSchema, fillCwKeyRotationDefaults, f.cwKeyRotation],
  ['order', orderSchema, fillOrderDefaults, f.order],
  ['drift check', driftCheckInputSchema, fillDriftCheckDefaults, f.drift],
  ['offboarding', offboardingInputSchema, fillOffboardingDefaults, f.offboarding],
];

describe("default fillers (src/rules) give the schemas' defaults", () => {
  for (const [name, schema, fill, full] of CASES)
    it(`${name}: with every field, and without each field the schema can do without`, () => {
      let compared = 0;
      const differ: string[] = [];
      for (const path of [[], ...fieldPaths(full())]) {
        const variant = path.length ? without(full(), path) : full();
        const parsed = schema.safeParse(variant);
        if (!parsed.success) continue;
        compared++;
        if (canon(fill(variant)) !== canon(parsed.data))
          differ.push(
            `without ${path.join('.') || '(nothing)'}:\n  filled ${canon(fill(variant))}\n  parsed ${canon(parsed.data)}`
          );
      }
      assert.deepEqual(differ, []);
      assert.ok(compared >= 2, `compared ${compared}`);
    });

  it('the defaults themselves (what an operator who leaves the field out gets)', () => {
    const d = fillDelegationDefaults({}) as Record<string, unknown>;
    assert.equal((d.scopes as string[]).length, 16);
    assert.deepEqual(d.polling, { initialIntervalSeconds: 30, maxIntervalSeconds: 900, deadlineHours: 24 });
    assert.deepEqual(fillAutotaskOnboardingDefaults({ webhook: {} }), {
      webhook: {
        name: 'onramp',
        entities: ['Ticket'],
        fields: {},
        events: { create: true, update: true, delete: false },
      },
      maxWebhooks: 5,
      timing: { readyPollSeconds: 2, readyDeadlineMinutes: 30, operatorDeadlineHours: 72, reminderMinutes: 60 },
    });
    assert.deepEqual(fillAutotaskSecretRotationDefaults({}), { overlapMinutes: 10 });
    assert.deepEqual(fillCwKeyRotationDefaults({ connection: { site: ' HTTPS://CW.Example/ ' } }), {
      vendor: { name: 'Sophos Central' },
      connection: { site: 'cw.example' },
      timing: { reminderMinutes: 60, recheckSeconds: 300, operatorDeadlineHours: 72 },
    });
    assert.deepEqual(fillOffboardingDefaults({ connectwise: {} }), {
      mode: 'apply',
      connectwise: { customers: [], created: { companies: [], catalogItem: false } },
      timing: { recheckSeconds: 300, operatorDeadlineHours: 168 },
    });
    assert.deepEqual(fillDriftCheckDefaults({ autotask: {}, connectwise: { connection: { site: 'CW.example' } } }), {
      autotask: { webhooks: [] },
      connectwise: { connection: { site: 'cw.example' } },
    });
    const roles = fillAdminRoleDefaults({ customer: { customerId: '046psxkn' }, group: {}, role: {}, members: [{}] });
    assert.deepEqual(roles, {
      mode: 'apply',
      customer: { customerId: 'C046psxkn' },
      vendor: { name: 'Google Workspace for Education' },
      group: { description: '', initialGroupConfig: 'EMPTY' },
      members: [{ role: 'MEMBER', type: 'USER' }],
      role: { description: '' },
      assignee: { type: 'group' },
      scope: { type: 'CUSTOMER' },
      membership: { propagationTimeoutMinutes: 15, pollSeconds: 10, batchSize: 250 },
    });
    assert.deepEqual((fillConnectwiseOnboardingDefaults({}) as Record<string, unknown>).billing, {
      agreement: { name: 'Sophos Central', type: 'Security Services' },
      product: { identifier: 'SOPHOS-CENTRAL', description: 'Sophos Central endpoint protection', price: 0 },
    });
  });

  it('fillers: a default is a fresh copy, a present value is kept, a non-object left as it is', () => {
    const fill = object({
      list: value(['a']),
      nested: object({ n: value(1) }),
      filled: object({ n: value(2) }, 'fill'),
    });
    const a = fill({}) as { list: string[]; filled: { n: number } };
    a.list.push('b');
    assert.deepEqual(fill({}), { list: ['a'], filled: { n: 2 } }, 'absent "leave" objects stay absent');
    assert.deepEqual(fill({ list: [], nested: {}, filled: { n: 0 } }), {
      list: [],
      nested: { n: 1 },
      filled: { n: 0 },
    });
    for (const odd of [undefined, null, 'x', 3, ['a']]) assert.deepEqual(fill(odd), odd);
    assert.deepEqual(object({ a: value(1) })([1]), [1], 'an array is not an object');
    const each = array(object({ n: value(1) }), []);
    assert.deepEqual(each(undefined), []);
    assert.deepEqual(each([{}, { n: 5 }]), [{ n: 1 }, { n: 5 }]);
    assert.equal(each('x'), 'x');
    assert.equal(array(value(1))(undefined), undefined);
    assert.deepEqual(missingFields({ a: 1, b: undefined }, ['a', 'b', 'c']), ['b', 'c']);
    assert.deepEqual(missingFields({ a: 0, b: '' }, ['a', 'b']), []);
    for (const odd of [null, undefined, 'x', [1]]) assert.equal(missingFields(odd, ['a']), 'not-an-object');
  });
});

/** The Update validators refuse exactly what the door's schema refuses, and normalise the same way. */
function agree(name: string, schema: z.ZodType, check: (v: unknown) => string[], inputs: unknown[]): void {
  const disagree: string[] = [];
  for (const input of inputs) {
    const door = inputProblems(schema, input);
    const own = check(input);
    if (!door.length !== !own.length)
      disagree.push(`${JSON.stringify(input)}: door [${door.join('; ')}], workflow [${own.join('; ')}]`);
  }
  assert.deepEqual(disagree, [], name);
}

describe('Update validators in the workflow agree with the door', () => {
  it('supplyCredentials (Autotask)', () => {
    const c = f.credentials();
    agree('credentials', autotaskCredentialsSchema, credentialProblems, [
      c,
      { ...c, username: ' API@Acme.example ' },
      { ...c, username: 'api' },
      { ...c, username: 'a@b' },
      { ...c, username: 'a b@c.de' },
      { ...c, secretRef: 'plain' },
      { ...c, secretRef: 'store:SO-1/x' },
      { ...c, integrationCode: 'ABCDEFGHIJ0123456789' },
      { ...c, extra: 1 },
      { username: c.username, secretRef: c.secretRef },
      { ...c, username: 1 },
      null,
      [],
      'x',
    ]);
    assert.deepEqual(credentialProblems([c]), ['(input): expected an object with username and secretRef']);
    assert.deepEqual(credentialProblems({ ...c, extra: 1, secretRef: 'sk', username: 'x', integrationCode: 'y' }), [
      'extra: unknown field: remove it (accepted here: username, secretRef)',
      'integrationCode: unknown field: remove it (accepted here: username, secretRef)',
      'username: must be an email address like admin@example.com',
      'secretRef: must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself',
    ]);
    assert.deepEqual(credentialProblems({}), ['username: is required (a string)', 'secretRef: is required (a string)']);
    assert.deepEqual(normaliseCredentials({ ...c, username: ' API@Acme.example ' }), {
      ...c,
      username: 'api@acme.example',
    });
    assert.deepEqual(
      normaliseCredentials({ ...c, username: ' API@Acme.example ' }),
      autotaskCredentialsSchema.parse({ ...c, username: ' API@Acme.example ' })
    );
  });

  it('provideConnection (ConnectWise)', () => {
    agree('connection patch', connectionPatchSchema, connectionPatchProblems, [
      { site: 'na.myconnectwise.net' },
      { privateKeyRef: 'env:K' },
      { privateKeyRef: ' env:K ' },
      { privateKeyRef: 'ZyXwVuTs98765432' },
      { privateKeyRef: ' ZyXwVuTs98765432 ' },
      { privateKeyRef: 'the-key' },
      { publicKey: 'AbCdEfGh12345678' },
      { publicKey: ' AbCdEfGh12345678 ' },
      { publicKey: 'short' },
      { clientId: f.CW_CLIENT_ID },
      { clientId: ` ${f.CW_CLIENT_ID.toUpperCase()} ` },
      { clientId: 'x' },
      { site: 1 },
      { apiMember: 2 },
      { other: 'x' },
      {},
      null,
      [],
    ]);
    assert.deepEqual(connectionPatchProblems({}), [
      '(input): give at least one of site, companyId, publicKey, privateKeyRef, clientId, apiMember',
    ]);
    assert.deepEqual(connectionPatchProblems('x'), [
      '(input): expected an object with some of site, companyId, publicKey, privateKeyRef, clientId, apiMember',
    ]);
    assert.deepEqual(
      connectionPatchProblems({ site: 1, x: 'y', publicKey: 'p', clientId: 'c', privateKeyRef: 'ZyXwVuTs98765432' }),
      [
        'x: unknown field: remove it (accepted here: site, companyId, publicKey, privateKeyRef, clientId, apiMember)',
        'site: must be a string',
        'privateKeyRef: this looks like the private key itself: never paste it here. Store it (e.g. in a file readable by the worker) and give its reference, file:/path/to/key or env:VARIABLE_NAME',
        'publicKey: must be the 16-character Public Key shown under System > Members > API Members > API Keys',
        'clientId: must be the integration clientId GUID registered at developer.connectwise.com',
      ]
    );
    assert.deepEqual(connectionPatchProblems({ privateKeyRef: 'key' }), [
      'privateKeyRef: must be a secret reference, file:/path/to/key or env:VARIABLE_NAME',
    ]);
    const patch = {
      site: ' HTTPS://NA.MyConnectWise.net// ',
      companyId: ' Contoso ',
      publicKey: ' AbCdEfGh12345678 ',
      price: 1,
    };
    assert.deepEqual(normaliseConnectionPatch(patch), {
      site: 'na.myconnectwise.net',
      companyId: 'Contoso',
      publicKey: 'AbCdEfGh12345678',
      price: 1,
    });
    const { price: _, ...door } = patch;
    assert.deepEqual(normaliseConnectionPatch(door), connectionPatchSchema.parse(door));
  });

  it('provideNewKey (ConnectWise key rotation)', () => {
    const k = { publicKey: 'AbCdEfGh12345678', privateKeyRef: 'env:NEW' };
    agree('new key', newKeySchema, newKeyProblems, [
      k,
      { ...k, publicKey: ' AbCdEfGh12345678 ', privateKeyRef: ' env:NEW ' },
      { ...k, publicKey: 'short' },
      { ...k, publicKey: 1 },
      { ...k, privateKeyRef: 'ZyXwVuTs98765432' },
      { ...k, privateKeyRef: 'the-key' },
      { ...k, privateKeyRef: 5 },
      { publicKey: k.publicKey },
      { ...k, extra: 1 },
      null,
      [],
    ]);
    assert.deepEqual(newKeyProblems(null), ['(input): expected an object with publicKey and privateKeyRef']);
    assert.deepEqual(newKeyProblems({ extra: 1 }), [
      'extra: unknown field: remove it (accepted here: publicKey, privateKeyRef)',
      'publicKey: must be the 16-character Public Key shown under System > Members > API Members > API Keys',
      'privateKeyRef: must be a secret reference, file:/path/to/key or env:VARIABLE_NAME',
    ]);
    assert.deepEqual(newKeyProblems({ ...k, privateKeyRef: ' ZyXwVuTs98765432 ' }), [
      'privateKeyRef: this looks like the private key itself: never paste it here. Store it (e.g. in a file readable by the worker) and give its reference, file:/path/to/key or env:VARIABLE_NAME',
    ]);
    assert.deepEqual(newKeyProblems({ ...k, privateKeyRef: 'nope' }), [
      'privateKeyRef: must be a secret reference, file:/path/to/key or env:VARIABLE_NAME',
    ]);
    assert.deepEqual(normaliseNewKey({ publicKey: ' P ', privateKeyRef: ' env:X ' }), {
      publicKey: 'P',
      privateKeyRef: 'env:X',
    });
  });
});
