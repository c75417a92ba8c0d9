import { createHash, randomBytes } from 'node:crypto';

export type Level = 'All' | 'My' | 'None';
export interface AreaLevels {
  add: Level;
  edit: Level;
  inquire: Level;
  delete: Level;
}
export interface SimRole {
  id: number;
  name: string;
  /** Keyed `Module/Area`, e.g. `Finance/Agreements`. Absent = None everywhere. */
  settings: Map<string, AreaLevels>;
}
export interface SimApiKey {
  publicKey: string;
  /** Only a hash is kept: like ConnectWise, the private key cannot be shown again. */
  privateKeySha256: string;
  description: string;
}
export interface SimMember {
  id: number;
  identifier: string;
  roleId: number;
  keys: SimApiKey[];
  createdAt: string;
}
type Info = { lastUpdated?: string; updatedBy?: string };
/** Records as the API returns them: field names and types from the OpenAPI schemas (Company, Agreement, CatalogItem). */
/** The Company schema's address fields ("at least one is required" on create). */
export interface CompanyAddress {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: { id?: number; identifier?: string; name?: string };
}
export const COMPANY_ADDRESS_FIELDS = ['addressLine1', 'addressLine2', 'city', 'state', 'zip', 'country'] as const;
export interface SimCompany extends CompanyAddress {
  id: number;
  identifier: string;
  name: string;
  status: { id: number; name: string };
  site?: { name: string };
  _info: Info;
}
export interface SimAgreement {
  id: number;
  name: string;
  type: { id: number; name: string };
  company: { id: number; identifier: string; name: string };
  startDate?: string;
  cancelledFlag: boolean;
  _info: Info;
}
/** An agreement addition (a catalog item billed on an agreement): the Addition schema, routes/connectwise-agreement-routes.ts. */
export interface SimAddition {
  id: number;
  agreementId: number;
  product: { id: number; identifier: string };
  quantity: number;
  billCustomer: 'Billable' | 'DoNotBill' | 'NoCharge';
  description?: string;
  effectiveDate?: string;
}

export interface SimCatalogItem {
  id: number;
  identifier: string;
  description: string;
  price: number;
  inactiveFlag: boolean;
  _info: Info;
}

export interface ConnectwiseStateOptions {
  companyId?: string;
  companyName?: string;
  codebase?: string;
  isCloud?: boolean;
}

/**
 * A security-role area as the role-settings API names it. `moduleName`/`moduleFunctionName` are the labels
 * ConnectWise shows under System > Security Roles (confirmed by vendor permission guides, vendor-apis.md C3);
 * the `*Identifier` values are a guess (the OpenAPI document gives their type, not their values).
 */
export interface SimModule {
  moduleName: string;
  moduleIdentifier: string;
  functionName: string;
  functionIdentifier: string;
  functionDescription: string;
}
export function moduleOf(area: string): SimModule {
  const [moduleName, functionName] = area.split('/') as [string, string];
  const ident = (s: string) => s.replace(/[^A-Za-z]/g, '');
  return {
    moduleName,
    moduleIdentifier: ident(moduleName),
    functionName,
    functionIdentifier: ident(functionName),
    functionDescription: `${functionName} (${moduleName})`,
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** ConnectWise keys: 16 letters and digits. */
const newKey = () =>
  randomBytes(12)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 16);

export const ALL_AREAS = [
  'Companies/Company Maintenance',
  'Finance/Agreements',
  'Procurement/Product Catalog',
  'System/Table Setup',
  'System/Member Maintenance',
  'Service Desk/Service Tickets',
  'System/API Reports',
  'System/Security Roles',
] as const;

export class ConnectwiseState {
  readonly companyId: string;
  readonly companyName: string;
  readonly codebase: string;
  readonly isCloud: boolean;
  readonly versionCode = 'v2025.1';
  readonly versionNumber = 'v2025.1.105720';
  readonly startedAt = new Date().toISOString();
  readonly roles = new Map<number, SimRole>();
  readonly members = new Map<string, SimMember>();
  readonly companies: SimCompany[] = [];
  readonly agreements: SimAgreement[] = [];
  readonly catalog: SimCatalogItem[] = [];
  readonly additions: SimAddition[] = [];
  private readonly agreementTypes = new Map<string, number>();
  private nextId = 100;

  constructor(private readonly opts: ConnectwiseStateOptions = {}) {
    this.companyId = opts.companyId ?? 'contoso';
    this.companyName = opts.companyName ?? 'Contoso MSP';
    this.codebase = opts.codebase ?? 'v2025_1/';
    this.isCloud = opts.isCloud ?? false;
  }

  addCompany(identifier: string, name: string, site?: { name: string }, address: CompanyAddress = {}): SimCompany {
    const c: SimCompany = {
      id: this.id(),
      identifier,
      name,
      status: { id: 1, name: 'Active' },
      ...(site ? { site } : {}),
      ...address,
      _info: { lastUpdated: new Date().toISOString(), updatedBy: 'Onramp-Sim' },
    };
    this.companies.push(c);
    return c;
  }

  addAgreement(name: string, typeName: string, company: SimCompany, startDate?: string): SimAgreement {
    const a: SimAgreement = {
      id: this.id(),
      name,
      type: { id: this.agreementTypeId(typeName), name: typeName },
      company: { id: company.id, identifier: company.identifier, name: company.name },
      ...(startDate ? { startDate } : {}),
      cancelledFlag: false,
      _info: { lastUpdated: new Date().toISOString(), updatedBy: 'Onramp-Sim' },
    };
    this.agreements.push(a);
    return a;
  }

  addCatalogItem(identifier: string, description: string, price: number): SimCatalogItem {
    const item: SimCatalogItem = {
      id: this.id(),
      identifier,
      description,
      price,
      inactiveFlag: false,
      _info: { lastUpdated: new Date().toISOString(), updatedBy: 'Onramp-Sim' },
    };
    this.catalog.push(item);
    return item;
  }

  id(): number {
    return this.nextId++;
  }

  setRole(id: number, name: string, settings: Record<string, Partial<AreaLevels>>): SimRole {
    const role: SimRole = { id, name, settings: new Map() };
    for (const [area, l] of Object.entries(settings)) {
      role.settings.set(area, {
        add: l.add ?? 'None',
        edit: l.edit ?? 'None',
        inquire: l.inquire ?? 'None',
        delete: l.delete ?? 'None',
      });
    }
    this.roles.set(id, role);
    return role;
  }

  addMember(identifier: string, roleId: number): SimMember {
    const m: SimMember = { id: this.id(), identifier, roleId, keys: [], createdAt: new Date().toISOString() };
    this.members.set(identifier.toLowerCase(), m);
    return m;
  }

  /** System > Members > API Members > API Keys > +: the only moment the private key exists in clear. */
  createApiKey(identifier: string, description: string): { publicKey: string; privateKey: string } {
    const m = this.members.get(identifier.toLowerCase());
    if (!m) throw new Error(`no API member ${identifier}`);
    const publicKey = newKey();
    const privateKey = newKey();
    m.keys.push({ publicKey, privateKeySha256: sha256(privateKey), description });
    return { publicKey, privateKey };
  }

  authenticate(companyId: string, publicKey: string, privateKey: string): SimMember | undefined {
    if (companyId.toLowerCase() !== this.companyId.toLowerCase()) return undefined;
    for (const m of this.members.values()) {
      const k = m.keys.find((x) => x.publicKey === publicKey);
      if (k) return k.privateKeySha256 === sha256(privateKey) ? m : undefined;
    }
    return undefined;
  }

  levels(member: SimMember, area: string): AreaLevels | undefined {
    return this.roles.get(member.roleId)?.settings.get(area);
  }

  agreementTypeId(name: string): number {
    let id = this.agreementTypes.get(name.toLowerCase());
    if (id === undefined) {
      id = this.id();
      this.agreementTypes.set(name.toLowerCase(), id);
    }
    return id;
  }

  /** Roles, API members (key hashes only), and what the API wrote, for the sandbox's state file. */
  snapshot(): ConnectwiseSnapshot {
    return {
      roles: [...this.roles.values()].map((r) => ({ ...r, settings: Object.fromEntries(r.settings) })),
      members: [...this.members.values()],
      companies: this.companies,
      agreements: this.agreements,
      catalog: this.catalog,
      additions: this.additions,
      agreementTypes: [...this.agreementTypes],
      nextId: this.nextId,
    };
  }

  restore(s: ConnectwiseSnapshot): void {
    for (const r of s.roles) this.roles.set(r.id, { ...r, settings: new Map(Object.entries(r.settings)) });
    for (const m of s.members) this.members.set(m.identifier.toLowerCase(), m);
    this.companies.push(...s.companies);
    this.agreements.push(...s.agreements);
    this.catalog.push(...s.catalog);
    // A state file written before additions were kept has none.
    this.additions.push(...(s.additions ?? []));
    for (const [name, id] of s.agreementTypes) this.agreementTypes.set(name, id);
    this.nextId = Math.max(this.nextId, s.nextId);
  }
}

export interface ConnectwiseSnapshot {
  roles: (Omit<SimRole, 'settings'> & { settings: Record<string, AreaLevels> })[];
  members: SimMember[];
  companies: SimCompany[];
  agreements: SimAgreement[];
  catalog: SimCatalogItem[];
  /** Agreement additions (absent from state files written before they were kept). */
  additions?: SimAddition[];
  agreementTypes: [string, number][];
  nextId: number;
}
