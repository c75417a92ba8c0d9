/**
 * The vendor profile file (ONRAMP_VENDOR_PROFILES) at the door, field by field: what a deployment may write
 * (defaults filled, whitespace trimmed, every action and vendor section), what it may not, and that each refusal
 * names its line, the field path and the fix. test/unit/vendor-profiles.test.ts covers the sandbox file and the
 * order's view; this file covers the schema's fields, YAML anchors/aliases and the exact error text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autotaskProfileOf,
  parseVendorProfiles,
  VendorProfileError,
  type VendorProfilesFile,
} from '../../src/domain/vendor-profile-schema';

/** A complete Autotask profile `acme`, one YAML line per field; `extra` lines replace or add fields of autotask. */
function autotaskFile(fields: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    integrationVendor: 'Acme - PSA',
    trackingIdentifierRef: 'env:ACME_TRACKING_ID',
    webhooks: 'true',
    rights: '[{entity: Tickets, actions: [query], grantedBy: "Service Desk > Tickets (View)"}]',
  };
  const all = { ...base, ...fields };
  return [
    'profiles:',
    '  acme:',
    '    name: Acme',
    '    autotask:',
    ...Object.entries(all)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `      ${k}: ${v}`),
  ].join('\n');
}

function refusal(text: string): VendorProfileError {
  try {
    parseVendorProfiles(text, 'profiles.yaml');
  } catch (err) {
    assert.ok(err instanceof VendorProfileError, String(err));
    return err;
  }
  return assert.fail('the file was accepted');
}

const problems = (text: string) => refusal(text).problems;

describe('vendor profile file: accepted forms', () => {
  it('fills the defaults and trims what a person may pad with spaces', () => {
    const file = parseVendorProfiles(
      [
        'profiles:',
        '  acme-2:',
        '    name: "  Acme  "',
        '    autotask:',
        '      integrationVendor: "  Acme - PSA  "',
        '      trackingIdentifierRef: env:ACME_TRACKING_ID',
        '      webhooks: false',
        '      rights:',
        '        - entity: "  Tickets  "',
        '          actions: [query, create, update, delete]',
        '          grantedBy: "  Service Desk > Tickets (View, Add, Edit)  "',
      ].join('\n'),
      'profiles.yaml'
    );
    assert.deepEqual(file, {
      profiles: {
        'acme-2': {
          name: 'Acme',
          autotask: {
            integrationVendor: 'Acme - PSA',
            trackingIdentifierRef: 'env:ACME_TRACKING_ID',
            webhooks: false,
            rights: [
              {
                entity: 'Tickets',
                actions: ['query', 'create', 'update', 'delete'],
                grantedBy: 'Service Desk > Tickets (View, Add, Edit)',
              },
            ],
            linesOfBusiness: [],
            viewItemsWithoutLineOfBusiness: true,
          },
        },
      },
    });
  });

  it('keeps lines of business (trimmed) and an explicit false for items without one', () => {
    const file = parseVendorProfiles(
      autotaskFile({
        linesOfBusiness: '["  General > IT Services  ", General > Software]',
        viewItemsWithoutLineOfBusiness: 'false',
      }),
      'profiles.yaml'
    );
    const a = file.profiles.acme!.autotask!;
    assert.deepEqual(a.linesOfBusiness, ['General > IT Services', 'General > Software']);
    assert.equal(a.viewItemsWithoutLineOfBusiness, false);
  });

  it('accepts Google scopes and ConnectWise role areas (several each, trimmed), with no Autotask part', () => {
    const file = parseVendorProfiles(
      [
        'profiles:',
        '  classroom:',
        '    name: Classroom Analytics',
        '    google:',
        '      scopes:',
        '        - https://www.googleapis.com/auth/admin.directory.user.readonly',
        '        - https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
        '    connectwise:',
        '      roleAreas: ["  Service Desk  ", Finance]',
      ].join('\n'),
      'vendors.json'
    );
    assert.deepEqual(file.profiles.classroom, {
      name: 'Classroom Analytics',
      google: {
        scopes: [
          'https://www.googleapis.com/auth/admin.directory.user.readonly',
          'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
        ],
      },
      connectwise: { roleAreas: ['Service Desk', 'Finance'] },
    });
  });

  it('an alias repeats an anchored part (resolved in the parsed file)', () => {
    const file = parseVendorProfiles(
      [
        'profiles:',
        '  acme:',
        '    name: Acme',
        '    connectwise: &cw',
        '      roleAreas: [Service Desk]',
        '  other:',
        '    name: Other',
        '    connectwise: *cw',
      ].join('\n'),
      'profiles.yaml'
    );
    assert.deepEqual(file.profiles.other!.connectwise, { roleAreas: ['Service Desk'] });
  });
});

describe('vendor profile file: each refusal names its line, the field and the fix', () => {
  it('the error lists every problem, indented, under the file name', () => {
    const err = refusal(['profiles:', '  acme:', '    name: " "', '    colour: blue', '    size: 3'].join('\n'));
    assert.equal(err.name, 'VendorProfileError');
    assert.equal(err.source, 'profiles.yaml');
    assert.equal(
      err.message,
      [
        'profiles.yaml: invalid vendor profiles:',
        '  line 3: profiles.acme.name: name the vendor, e.g. "Sophos Central"',
        '  line 4: profiles.acme.colour: unknown field: remove it (colour, size)',
      ].join('\n')
    );
  });

  it('Autotask fields: missing, blank or pasted values', () => {
    // A missing field is reported at the first line of the part that lacks it.
    assert.deepEqual(problems(autotaskFile({ integrationVendor: '' })), [
      'line 5: profiles.acme.autotask.integrationVendor: is required: the Integration Vendor exactly as Autotask lists it, e.g. "Sophos Central - Security"',
    ]);
    assert.deepEqual(problems(autotaskFile({ integrationVendor: '"   "' })), [
      'line 5: profiles.acme.autotask.integrationVendor: name the Integration Vendor exactly as Autotask lists it, e.g. "Sophos Central - Security"',
    ]);
    assert.deepEqual(problems(autotaskFile({ trackingIdentifierRef: '' })), [
      'line 5: profiles.acme.autotask.trackingIdentifierRef: trackingIdentifierRef is required: give a reference such as file:/path/to/secret or env:VARIABLE_NAME',
    ]);
  });

  it('rights: each entry needs an entity, known actions and where they are granted', () => {
    const right = (r: string) => autotaskFile({ rights: `[${r}]` });
    assert.deepEqual(problems(right('{entity: "  ", actions: [query], grantedBy: x}')), [
      'line 8: profiles.acme.autotask.rights.0.entity: Too small: expected string to have >=1 characters',
    ]);
    assert.deepEqual(problems(right('{entity: Tickets, actions: [], grantedBy: x}')), [
      'line 8: profiles.acme.autotask.rights.0.actions: list at least one action, e.g. [query]',
    ]);
    assert.deepEqual(problems(right('{entity: Tickets, actions: [query, drop], grantedBy: x}')), [
      'line 8: profiles.acme.autotask.rights.0.actions.1: must be one of query, create, update, delete',
    ]);
    assert.deepEqual(problems(right('{entity: Tickets, actions: [query], grantedBy: "  "}')), [
      'line 8: profiles.acme.autotask.rights.0.grantedBy: say where it is granted, e.g. "Service Desk > Tickets (View, Add, Edit)"',
    ]);
    assert.deepEqual(problems(autotaskFile({ linesOfBusiness: '["  "]' })), [
      'line 9: profiles.acme.autotask.linesOfBusiness.0: Too small: expected string to have >=1 characters',
    ]);
  });

  it('Google and ConnectWise parts need at least one scope / role area, and no other field', () => {
    const section = (lines: string[]) => ['profiles:', '  acme:', '    name: Acme', ...lines].join('\n');
    assert.deepEqual(problems(section(['    google:', '      scopes: []'])), [
      'line 5: profiles.acme.google.scopes: Too small: expected array to have >=1 items',
    ]);
    assert.deepEqual(problems(section(['    google:', '      scopes: [not-a-url]'])), [
      'line 5: profiles.acme.google.scopes.0: Invalid URL',
    ]);
    assert.deepEqual(problems(section(['    connectwise:', '      roleAreas: []'])), [
      'line 5: profiles.acme.connectwise.roleAreas: Too small: expected array to have >=1 items',
    ]);
    assert.deepEqual(problems(section(['    connectwise:', '      roleAreas: ["  "]'])), [
      'line 5: profiles.acme.connectwise.roleAreas.0: Too small: expected string to have >=1 characters',
    ]);
  });

  it('profile names are whole lower-case slugs of at most 63 characters', () => {
    const named = (name: string) => `profiles:\n  ${name}:\n    name: A\n`;
    for (const bad of ['acme.corp', 'acme_psa', 'acme psa', 'a'.repeat(64)])
      assert.deepEqual(problems(named(bad)), [
        `line 2: profiles.${bad}: profile names are lower-case slugs like "sophos-central"`,
      ]);
    assert.ok(parseVendorProfiles(named('a'.repeat(63)), 'p').profiles['a'.repeat(63)]);
  });

  it('an empty file names the file itself', () => {
    assert.deepEqual(problems(''), ['line 1: (file): Invalid input: expected object, received null']);
  });

  it('a YAML syntax error: its line and the first line of the parser message only', () => {
    assert.deepEqual(problems('profiles:\n  acme:\n    name: [unclosed\n'), [
      'line 4: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('a problem inside an aliased part is reported at the alias (the line that brought it in)', () => {
    const text = [
      'profiles:', // 1
      '  acme:', // 2
      '    name: Acme', // 3
      '    connectwise: &cw', // 4
      '      roleAreas: []', // 5
      '  other:', // 6
      '    name: Other', // 7
      '    connectwise: *cw', // 8
    ].join('\n');
    assert.deepEqual(problems(text), [
      'line 5: profiles.acme.connectwise.roleAreas: Too small: expected array to have >=1 items',
      'line 8: profiles.other.connectwise.roleAreas: Too small: expected array to have >=1 items',
    ]);
    const seq = [
      'profiles:', // 1
      '  acme:', // 2
      '    name: Acme', // 3
      '    autotask:', // 4
      '      integrationVendor: X', // 5
      '      trackingIdentifierRef: env:X', // 6
      '      webhooks: true', // 7
      '      rights: &r', // 8
      '        - entity: T', // 9
      '          actions: [drop]', // 10
      '          grantedBy: here', // 11
      '  other:', // 12
      '    name: B', // 13
      '    autotask:', // 14
      '      integrationVendor: X', // 15
      '      trackingIdentifierRef: env:X', // 16
      '      webhooks: true', // 17
      '      rights: *r', // 18
    ].join('\n');
    assert.deepEqual(problems(seq), [
      'line 10: profiles.acme.autotask.rights.0.actions.0: must be one of query, create, update, delete',
      'line 18: profiles.other.autotask.rights.0.actions.0: must be one of query, create, update, delete',
    ]);
  });
});

describe("an order's vendor profile (autotaskProfileOf)", () => {
  const file = (profiles: VendorProfilesFile['profiles']): VendorProfilesFile => ({ profiles });
  const google = { name: 'Classroom', google: { scopes: ['https://www.googleapis.com/auth/x'] } };

  it('names only the Autotask profiles of the deployment; a Google-only profile is not one', () => {
    const f = file({
      classroom: google,
      acme: parseVendorProfiles(autotaskFile(), 'p').profiles.acme!,
    });
    const r = autotaskProfileOf(f, 'classroom');
    assert.deepEqual(r, {
      ok: false,
      problem: 'vendorProfile: "classroom" is not an Autotask vendor profile of this deployment; one of: acme',
    });
  });

  it('with no Autotask profile at all, says where to add one', () => {
    assert.deepEqual(autotaskProfileOf(file({ classroom: google }), 'acme'), {
      ok: false,
      problem:
        'vendorProfile: "acme" is not an Autotask vendor profile of this deployment; one of: (none: add one to the vendor profile file, ONRAMP_VENDOR_PROFILES)',
    });
  });
});
