import { z } from 'zod';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Assert, Same } from './type-equality';
import { secretRef } from './field-validators';
import type {
  AutotaskVendorProfileV1,
  AutotaskVendorProfileView,
  VendorProfilesFileV1,
} from '../contract/vendor-profile-messages';

/**
 * The vendor profile file (YAML or JSON, which is YAML): validated whole, every problem with its line, so the
 * vendor's deployment learns at start which line to fix. `yaml` keeps each node's position; zod names the path.
 */

const slug = /^[a-z0-9][a-z0-9-]{0,62}$/;
const action = z.enum(['query', 'create', 'update', 'delete'], {
  error: 'must be one of query, create, update, delete',
});

const autotaskProfile = z.strictObject({
  integrationVendor: z
    .string({
      error: 'is required: the Integration Vendor exactly as Autotask lists it, e.g. "Sophos Central - Security"',
    })
    .trim()
    .min(1, 'name the Integration Vendor exactly as Autotask lists it, e.g. "Sophos Central - Security"')
    .max(100),
  trackingIdentifierRef: secretRef('trackingIdentifierRef'),
  webhooks: z.boolean({ error: 'must be true or false: does the vendor guide have a webhook step?' }),
  rights: z
    .array(
      z.strictObject({
        entity: z.string().trim().min(1).max(100),
        actions: z.array(action).min(1, 'list at least one action, e.g. [query]'),
        grantedBy: z.string().trim().min(1, 'say where it is granted, e.g. "Service Desk > Tickets (View, Add, Edit)"'),
      })
    )
    .min(1, 'list the rights the vendor guide grants, e.g. [{entity: Tickets, actions: [query], grantedBy: ...}]'),
  linesOfBusiness: z.array(z.string().trim().min(1).max(200)).default([]),
  viewItemsWithoutLineOfBusiness: z.boolean().default(true),
});

const profile = z.strictObject({
  name: z.string().trim().min(1, 'name the vendor, e.g. "Sophos Central"').max(100),
  autotask: autotaskProfile.optional(),
  google: z.strictObject({ scopes: z.array(z.url()).min(1) }).optional(),
  connectwise: z.strictObject({ roleAreas: z.array(z.string().trim().min(1)).min(1) }).optional(),
});

export const vendorProfilesFileSchema = z.strictObject({
  profiles: z.record(z.string().regex(slug, 'profile names are lower-case slugs like "sophos-central"'), profile),
});
export type VendorProfilesFile = z.output<typeof vendorProfilesFileSchema>;

export class VendorProfileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[]
  ) {
    super(`${source}: invalid vendor profiles:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'VendorProfileError';
  }
}

/** The node of `path` for a line number: the key of its last segment, or the deepest parent that exists. */
export function nodeAt(root: Node | null, path: PropertyKey[]): Node | null {
  let node = root;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(key)
      );
      if (!pair) return node;
      node = last ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
    } else if (isSeq(node) && typeof key === 'number') {
      const next = node.items[key] as Node | undefined;
      if (!next) return node;
      node = next;
    } else return node;
  }
  return node;
}

/** A zod issue as the file's reader needs it: the path (an unknown key included) and the message. */
export function described(i: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (i.code === 'unrecognized_keys')
    return { path: [...i.path, i.keys[0]!], message: `unknown field: remove it (${i.keys.join(', ')})` };
  if (i.code === 'invalid_key') return { path: i.path, message: i.issues[0]?.message ?? i.message };
  return { path: i.path, message: i.message };
}

/** Parse and validate a profile file's text; errors name `source:line` and the field. */
export function parseVendorProfiles(text: string, source: string): VendorProfilesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    throw new VendorProfileError(
      source,
      doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`)
    );
  }
  const parsed = vendorProfilesFileSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (parsed.success) return parsed.data;
  throw new VendorProfileError(
    source,
    parsed.error.issues.map((issue) => {
      const { path, message } = described(issue);
      const node = nodeAt(doc.contents, path);
      const line = node?.range ? lines.linePos(node.range[0]).line : 1;
      return `line ${line}: ${path.map(String).join('.') || '(file)'}: ${message}`;
    })
  );
}

/** The Autotask part of profile `name`, or a message that names the known profiles. */
export function autotaskProfileOf(
  file: VendorProfilesFile,
  name: string
): { ok: true; profile: AutotaskVendorProfileV1; view: AutotaskVendorProfileView } | { ok: false; problem: string } {
  const p = file.profiles[name];
  const autotask = Object.entries(file.profiles)
    .filter(([, v]) => v.autotask)
    .map(([k]) => k);
  if (!p?.autotask)
    return {
      ok: false,
      problem: `vendorProfile: "${name}" is not an Autotask vendor profile of this deployment; one of: ${autotask.join(', ') || '(none: add one to the vendor profile file, ONRAMP_VENDOR_PROFILES)'}`,
    };
  const { trackingIdentifierRef: _ref, ...rest } = p.autotask;
  return { ok: true, profile: p.autotask, view: { ...rest, profile: name, vendorName: p.name } };
}

export type VendorProfileSchemaMatchesContractV1 = [Assert<Same<VendorProfilesFile, VendorProfilesFileV1>>];
