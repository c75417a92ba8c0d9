/**
 * The ConnectWise security role a sync needs (src/rules/connectwise-rules.ts `requiredPermissions`): seed 002's
 * table, plus Company Maintenance Add when the sync may create companies. Pinned literally. And the
 * workflow's zod-free guards of the connection: a pasted private key, the site as the schema normalises it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  connectionPatchProblems,
  fillConnectwiseOnboardingDefaults,
  normaliseConnectionPatch,
  PRIVATE_KEY_PASTED,
  REQUIRED_PERMISSIONS,
  requiredPermissions,
} from '../../src/rules/connectwise-rules';

const SEED_TABLE = [
  { module: 'Companies', area: 'Company Maintenance', actions: ['inquire'] },
  { module: 'Finance', area: 'Agreements', actions: ['add', 'edit', 'inquire'] },
  { module: 'Procurement', area: 'Product Catalog', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Table Setup', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'Member Maintenance', actions: ['inquire'] },
  { module: 'Service Desk', area: 'Service Tickets', actions: ['add', 'edit', 'inquire'] },
  { module: 'System', area: 'API Reports', actions: ['inquire'] },
];

describe('requiredPermissions', () => {
  it("is the seed's table, in its order, for a match-only sync", () => {
    assert.deepEqual(REQUIRED_PERMISSIONS, SEED_TABLE);
    assert.equal(requiredPermissions(), REQUIRED_PERMISSIONS);
    assert.equal(requiredPermissions({}), REQUIRED_PERMISSIONS);
    assert.equal(requiredPermissions({ createMissingCompanies: false }), REQUIRED_PERMISSIONS);
  });

  it('adds Company Maintenance Add, and nothing else, when the sync may create companies', () => {
    const creating = requiredPermissions({ createMissingCompanies: true });
    assert.deepEqual(creating, [
      { module: 'Companies', area: 'Company Maintenance', actions: ['add', 'inquire'] },
      ...SEED_TABLE.slice(1),
    ]);
    assert.deepEqual(REQUIRED_PERMISSIONS[0]!.actions, ['inquire'], 'the seed table itself is left as it is');
  });

  it("changes only the row whose module and area are both Company Maintenance's", () => {
    const creating = requiredPermissions({ createMissingCompanies: true });
    for (let i = 1; i < SEED_TABLE.length; i++) assert.equal(creating[i], REQUIRED_PERMISSIONS[i]);
  });
});

describe("the connection's zod-free guards", () => {
  it('recognises a pasted private key inside spaces', () => {
    assert.deepEqual(connectionPatchProblems({ privateKeyRef: '  abcdEFGH12345678 ' }), [
      `privateKeyRef: ${PRIVATE_KEY_PASTED}`,
    ]);
  });

  it('normalises a patch without a site without inventing one', () => {
    assert.deepEqual(normaliseConnectionPatch({ companyId: ' contoso ' }), { companyId: 'contoso' });
  });

  it("fills the onboarding's site as the schema does: trimmed, lower-cased, no scheme or trailing slash", () => {
    const filled = fillConnectwiseOnboardingDefaults({ connection: { site: '  HTTPS://NA.MyConnectWise.net/ ' } }) as {
      connection: { site: string };
    };
    assert.deepEqual(filled.connection, { site: 'na.myconnectwise.net' });
  });
});
