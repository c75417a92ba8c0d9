import { z } from 'zod';
import { LineCounter, parseDocument } from 'yaml';
import { INTEGRATIONS } from '../rules/customer-onboarding-rules';
import type { SalesFieldSourceV1, SalesMappingV1 } from '../rules/sales-mapping-rules';
import { hubspotSystemSchema } from './sales-hubspot-schema';
import { salesforceSystemSchema } from './sales-salesforce-schema';
import { connectwiseSalesSystemSchema } from './sales-connectwise-schema';
import { described, nodeAt } from './vendor-profile-schema';

/**
 * The deployment's sales mapping file (ONRAMP_SALES_MAPPING, YAML): which stage means won, which SKUs mean
 * which integrations, where each order field comes from, and how each sales system is reached. Validated
 * whole at start; every problem names its line, its field and the fix.
 */

const SYSTEMS = ['hubspot', 'salesforce', 'connectwise'] as const;
const integrationName = z.enum(INTEGRATIONS, { error: `must be one of ${INTEGRATIONS.join(', ')}` });
const fieldPath = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/,
    'must be a field path of the order like "adminEmail" or "customer.domain"'
  );
const name = (what: string, example: string) =>
  z
    .string({ error: `is required: the ${what}, e.g. ${example}` })
    .trim()
    .min(1, `name the ${what}, e.g. ${example}`);

const transform = z.enum(['slug', 'lowercase'], { error: 'must be slug or lowercase' }).optional();
const SOURCE_HINT =
  'must say where the value comes from: { deal: <property> }, { company: <field> }, { contact: { role: <role>, field: email } } or { constant: <value> }';
const sourceBranches = {
  deal: z.strictObject({ deal: name('deal property (its API name)', 'dealname'), transform }),
  company: z.strictObject({ company: name('company field (its API name)', 'domain'), transform }),
  contact: z.strictObject({
    contact: z.strictObject({
      role: name('contact role (HubSpot association label, Salesforce contact role)', '"Technical admin"'),
      field: name('contact field', 'email'),
    }),
    transform,
  }),
  constant: z.strictObject({
    constant: z.unknown().refine((v) => v !== undefined && v !== null, 'give the constant value'),
  }),
} as const;
/** One source, checked against the branch its key names (a plain union would report every branch's complaint). */
const fieldSource = z.unknown().transform((value, ctx): SalesFieldSourceV1 => {
  const kind = (Object.keys(sourceBranches) as (keyof typeof sourceBranches)[]).find(
    (k) => !!value && typeof value === 'object' && k in value
  );
  if (!kind) {
    ctx.addIssue({ code: 'custom', message: SOURCE_HINT });
    return z.NEVER;
  }
  const parsed = sourceBranches[kind].safeParse(value);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) {
    const { path, message } = described(i);
    ctx.addIssue({ code: 'custom', message, path });
  }
  return z.NEVER;
});

const ORDER_FIELDS = ['customer.id', 'customer.name'] as const;

export const salesMappingFileSchema = z
  .strictObject({
    won: z.strictObject(
      Object.fromEntries(
        SYSTEMS.map((s) => [
          s,
          z
            .array(z.string().trim().min(1), { error: `list the ${s} stage values that mean won, e.g. [closedwon]` })
            .min(1, 'list at least one stage value (the internal name, e.g. closedwon)')
            .optional(),
        ])
      ) as Record<(typeof SYSTEMS)[number], z.ZodOptional<z.ZodArray<z.ZodString>>>,
      { error: 'is required: per system, the stage values that mean won, e.g. won: { hubspot: [closedwon] }' }
    ),
    products: z
      .array(
        z.strictObject({
          sku: name('SKU of the line item', 'ONR-GWS'),
          integrations: z.array(integrationName).min(1, `list the integrations it sells, e.g. [googleDelegation]`),
          vendorProfile: z.string().trim().min(1).optional(),
        }),
        {
          error:
            'is required: the SKUs that mean integrations, e.g. [{ sku: ONR-GWS, integrations: [googleDelegation] }]',
        }
      )
      .min(1, 'list at least one product'),
    order: z.partialRecord(z.enum(ORDER_FIELDS, { error: `must be one of ${ORDER_FIELDS.join(', ')}` }), fieldSource, {
      error: 'is required: where customer.id and customer.name come from',
    }),
    integrations: z.partialRecord(integrationName, z.record(fieldPath, fieldSource)).default({}),
    systems: z
      .strictObject({
        hubspot: hubspotSystemSchema.optional(),
        salesforce: salesforceSystemSchema.optional(),
        connectwise: connectwiseSalesSystemSchema.optional(),
      })
      .default({}),
  })
  .superRefine((m, ctx) => {
    for (const f of ORDER_FIELDS)
      if (!m.order[f])
        ctx.addIssue({
          code: 'custom',
          path: ['order'],
          message: `${f} is required: say where it comes from, e.g. ${f}: { company: name${f === 'customer.id' ? ', transform: slug' : ''} }`,
        });
    const skus = new Set<string>();
    m.products.forEach((p, i) => {
      if (skus.has(p.sku))
        ctx.addIssue({
          code: 'custom',
          path: ['products', i, 'sku'],
          message: `${p.sku} is listed twice: keep one entry`,
        });
      skus.add(p.sku);
      if (p.vendorProfile && !p.integrations.includes('autotask'))
        ctx.addIssue({
          code: 'custom',
          path: ['products', i, 'vendorProfile'],
          message: 'is the Autotask vendor profile: add autotask to integrations, or remove it',
        });
      p.integrations.forEach((n, j) => {
        if (!m.integrations[n])
          ctx.addIssue({
            code: 'custom',
            path: ['products', i, 'integrations', j],
            message: `add integrations.${n} to the mapping: where the fields of ${n} come from`,
          });
      });
    });
    for (const s of SYSTEMS)
      if (m.systems[s] && !m.won[s])
        ctx.addIssue({
          code: 'custom',
          path: ['systems', s],
          message: `add won.${s}: the ${s} stage values that mean won (without them no deal of ${s} ever starts)`,
        });
  });

export type SalesMappingFile = z.output<typeof salesMappingFileSchema>;

export class SalesMappingError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[]
  ) {
    super(`${source}: invalid sales mapping:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SalesMappingError';
  }
}

/** Parse and validate the mapping's text; every error is `line N: field.path: message`. */
export function parseSalesMapping(text: string, source: string): SalesMappingFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length)
    throw new SalesMappingError(
      source,
      doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`)
    );
  const parsed = salesMappingFileSchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (parsed.success) return parsed.data;
  throw new SalesMappingError(
    source,
    parsed.error.issues.map((issue) => {
      const { path, message } = described(issue);
      const node = nodeAt(doc.contents, path);
      const line = node?.range ? lines.linePos(node.range[0]).line : 1;
      return `line ${line}: ${path.map(String).join('.') || '(file)'}: ${message}`;
    })
  );
}

/** The mapping as the rules take it (checked at compile time: the schema's output must give SalesMappingV1). */
export function salesMappingV1(file: SalesMappingFile): SalesMappingV1 {
  const { systems: _systems, ...rest } = file;
  const v1: SalesMappingV1 = rest;
  return v1;
}
