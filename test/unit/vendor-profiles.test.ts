import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SANDBOX_VENDOR_PROFILES } from '../../src/config';
import { autotaskProfileOf, parseVendorProfiles, VendorProfileError } from '../../src/domain/vendor-profile-schema';
import { loadVendorProfiles } from '../../src/secrets/vendor-profile-file';
import { InputError } from '../../src/domain/field-validators';
import { acceptOrder } from '../../src/services/orders';
import * as f from './fixtures-domain';

const problems = (text: string): string[] => {
  try {
    parseVendorProfiles(text, 'profiles.yaml');
  } catch (err) {
    assert.ok(err instanceof VendorProfileError, String(err));
    assert.match(err.message, /^profiles\.yaml: invalid vendor profiles:/);
    return err.problems;
  }
  return assert.fail('the file was accepted');
};

describe('vendor profiles (ONRAMP_VENDOR_PROFILES)', () => {
  it('the sandbox ships seed 001 (no webhook step) and seed 004 (lines of business) as profiles', () => {
    const file = loadVendorProfiles(SANDBOX_VENDOR_PROFILES);
    const op = file.profiles['office-protect']!.autotask!;
    assert.equal(op.integrationVendor, 'Office Protect - Alert Integration');
    assert.equal(op.webhooks, false);
    const sc = file.profiles['sophos-central']!.autotask!;
    assert.equal(sc.integrationVendor, 'Sophos Central - Security');
    assert.equal(sc.webhooks, true);
    assert.deepEqual(sc.linesOfBusiness, ['General > IT Services', 'General > Software Development']);
    assert.match(sc.trackingIdentifierRef, /^env:/);
  });

  it('names the line and the field of every problem, and refuses a code typed in place of a reference', () => {
    const text = [
      'profiles:', //                                   1
      '  acme:', //                                      2
      '    name: Acme', //                               3
      '    autotask:', //                                4
      '      integrationVendor: Acme - PSA', //          5
      '      trackingIdentifierRef: ACMEPSA0000000001', // 6: the code itself, not a reference
      '      webhooks: maybe', //                        7
      '      rights: []', //                             8
      '      colour: blue', //                           9
      '  Bad Name:', //                                  10
      '    name: x', //                                  11
    ].join('\n');
    const got = problems(text);
    assert.deepEqual(got, [
      'line 6: profiles.acme.autotask.trackingIdentifierRef: must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself',
      'line 7: profiles.acme.autotask.webhooks: must be true or false: does the vendor guide have a webhook step?',
      'line 8: profiles.acme.autotask.rights: list the rights the vendor guide grants, e.g. [{entity: Tickets, actions: [query], grantedBy: ...}]',
      'line 9: profiles.acme.autotask.colour: unknown field: remove it (colour)',
      'line 10: profiles.Bad Name: profile names are lower-case slugs like "sophos-central"',
    ]);
    assert.ok(!got.join('\n').includes('ACMEPSA0000000001'), 'the pasted code is not repeated');
  });

  it('a YAML syntax error names its line', () => {
    const got = problems('profiles:\n  acme:\n    name: [unclosed\n');
    assert.equal(got.length, 1);
    assert.match(got[0]!, /^line \d: /);
  });

  it("an order's profile: the workflow's view leaves the tracking identifier's reference out; unknown names list the known", () => {
    const file = loadVendorProfiles(SANDBOX_VENDOR_PROFILES);
    const found = autotaskProfileOf(file, 'sophos-central');
    assert.ok(found.ok);
    assert.equal('trackingIdentifierRef' in found.view, false);
    assert.equal(found.view.vendorName, 'Sophos Central');
    const missing = autotaskProfileOf(file, 'nobody');
    assert.ok(!missing.ok);
    assert.match(
      missing.problem,
      /vendorProfile: "nobody" is not an Autotask vendor profile.*office-protect, sophos-central/
    );
  });

  it('the door refuses an order naming a profile the deployment does not have, when the client has the file', () => {
    const config = {
      temporal: { address: 'x', namespace: 'default', taskQueue: 'q' },
      connectwise: { allowedHosts: [] },
      autotask: { vendorProfilesFile: SANDBOX_VENDOR_PROFILES },
    } as never;
    const order = (vendorProfile: string) => {
      const o = f.order();
      return { ...o, integrations: { ...o.integrations, autotask: { ...o.integrations.autotask, vendorProfile } } };
    };
    assert.equal(
      acceptOrder(order('office-protect'), config).order.integrations.autotask?.vendorProfile,
      'office-protect'
    );
    assert.throws(
      () => acceptOrder(order('sophos'), config),
      (e: unknown) =>
        e instanceof InputError &&
        e.problems.some((p) =>
          /^integrations\.autotask\.vendorProfile: "sophos" is not an Autotask vendor profile.*office-protect, sophos-central/.test(
            p
          )
        )
    );
  });
});
