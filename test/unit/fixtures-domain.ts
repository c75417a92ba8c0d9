/**
 * Valid inputs of every domain schema (each optional field present), shared by the Temporal-free domain
 * tests (test/unit/domain-inputs.test.ts). Each test takes a copy and breaks one field.
 */
import type { AutotaskVendorProfileView } from '../../src/contract/vendor-profile-messages';
import { InputError } from '../../src/domain/field-validators';

export const SA_CLIENT_ID = '123456789012345678901';
export const CW_CLIENT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

export const delegation = () => ({
  customer: { domain: 'contoso.example', secondaryDomains: ['contoso-mail.example'], name: 'Contoso' },
  adminEmail: 'admin@contoso.example',
  vendor: { name: 'Atera', supportEmail: 'support@atera.example' },
  serviceAccount: { clientId: SA_CLIENT_ID, email: 'sa@p.iam.gserviceaccount.com', keyRef: 'env:KEY' },
  scopes: [
    'https://www.googleapis.com/auth/admin.directory.group.member',
    'https://www.googleapis.com/auth/cloud-identity.groups',
    'https://www.googleapis.com/auth/admin.directory.rolemanagement',
    'https://www.googleapis.com/auth/admin.directory.orgunit.readonly',
    'https://www.googleapis.com/auth/admin.directory.user.readonly',
  ],
  polling: { initialIntervalSeconds: 10, maxIntervalSeconds: 60, deadlineHours: 2, roundsPerRun: 5 },
});

export const credentials = (username = 'api@acme.example') => ({
  username,
  secretRef: 'env:AUTOTASK_SECRET',
});

export const webhook = () => ({
  name: 'office-protect',
  entities: ['Ticket', 'Company'],
  webhookUrl: 'https://hooks.example.com/webhooks/autotask/acme',
  deactivationUrl: 'https://hooks.example.com/webhooks/autotask/acme/deactivated',
  signingKeyRef: 'env:SIGNING',
  fields: { Ticket: ['status'] },
  events: { create: true, update: false, delete: true },
  notificationEmail: 'ops@acme.example',
});

export const timing = () => ({
  readyPollSeconds: 1,
  readyDeadlineMinutes: 10,
  operatorDeadlineHours: 5,
  reminderMinutes: 15,
});

export const autotask = () => ({
  customer: { id: 'acme', name: 'Acme' },
  vendor: { name: 'Office Protect' },
  vendorProfile: 'office-protect',
  integrationId: 'office-protect',
  credentials: credentials(),
  webhook: webhook(),
  maxWebhooks: 7,
  timing: timing(),
});

export const autotaskRotation = () => ({
  customer: { id: 'acme' },
  vendor: { name: 'Sophos Central' },
  vendorProfile: 'sophos-central',
  integrationId: 'sophos-central',
  oldUser: credentials('old@acme.example'),
  newUser: credentials('new@acme.example'),
  oldWebhooks: [{ entity: 'Ticket', id: 12 }],
  webhook: { ...webhook(), name: 'sophos-v2' },
  timing: timing(),
});

export const autotaskSecretRotation = () => ({
  customer: { id: 'acme' },
  vendor: { name: 'Sophos Central' },
  vendorProfile: 'sophos-central',
  credentials: credentials(),
  webhooks: [{ entity: 'Ticket', name: 'sophos-v1-Ticket' }],
  signingKeyRef: 'env:SIGNING',
  overlapMinutes: 5,
});

export const connection = () => ({
  site: 'na.myconnectwise.net',
  companyId: 'Contoso',
  publicKey: 'AbCdEfGh12345678',
  privateKeyRef: 'env:CW_PRIVATE',
  clientId: CW_CLIENT_ID,
  apiMember: 'onramp-api',
});

export const connectwise = () => ({
  customer: { name: 'Contoso MSP' },
  vendor: { name: 'Sophos Central' },
  connection: connection(),
  keyWait: { reminderIntervalSeconds: 60, deadlineHours: 2 },
  permissionWait: { recheckIntervalSeconds: 30, deadlineHours: 3 },
  customers: [
    { identifier: 'AcmeCorp', name: 'Acme Corp' },
    { identifier: 'Globex', name: 'Globex' },
  ],
  billing: {
    agreement: { name: 'Endpoint', type: 'Managed Services' },
    product: { identifier: 'EP-1', description: 'Endpoint protection', price: 3.5 },
  },
  syncMode: 'plan',
});

export const cwKeyRotation = () => ({
  customer: { name: 'Contoso MSP' },
  vendor: { name: 'Sophos Central' },
  connection: connection(),
  timing: { reminderMinutes: 30, recheckSeconds: 60, operatorDeadlineHours: 24 },
});

export const adminRole = () => ({
  mode: 'apply',
  customer: { domain: 'contoso.example', customerId: 'C046psxkn' },
  adminEmail: 'admin@contoso.example',
  vendor: { name: 'Classroom Analytics' },
  serviceAccount: { email: 'sa@p.iam.gserviceaccount.com', keyRef: 'file:/run/secrets/sa.json' },
  group: {
    email: 'analytics@contoso.example',
    displayName: 'Analytics',
    description: 'Classroom analytics access',
    initialGroupConfig: 'WITH_INITIAL_OWNER',
  },
  members: [
    { email: 'teacher@contoso.example', role: 'OWNER', type: 'USER' },
    { email: 'staff@contoso.example', role: 'MEMBER', type: 'GROUP' },
  ],
  role: { name: 'Education Admin', description: 'Analytics', privileges: ['EDU_ANALYTICS_DATA_ACCESS'] },
  assignee: { type: 'group' },
  scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/T'] },
  membership: { propagationTimeoutMinutes: 5, pollSeconds: 2, batchSize: 50 },
});

export const order = () => ({
  orderId: 'SO-1001',
  customer: { id: 'acme', name: 'Acme' },
  integrations: {
    googleDelegation: delegation(),
    googleAdminRoles: adminRole(),
    autotask: autotask(),
    connectwise: connectwise(),
  },
  schedules: { driftCheckEveryHours: 24, rotateEveryDays: { autotask: 90, connectwise: 30 } },
});

export const drift = () => ({
  customer: { id: 'acme', name: 'Acme' },
  orderId: 'SO-1001',
  googleDelegation: {
    adminEmail: 'admin@contoso.example',
    serviceAccount: { clientId: SA_CLIENT_ID, email: 'sa@p.iam.gserviceaccount.com', keyRef: 'env:KEY' },
    scopes: ['https://mail.google.com/'],
  },
  autotask: {
    tenant: 'acme',
    vendorProfile: 'sophos-central',
    credentials: credentials(),
    webhooks: [{ entity: 'Ticket', id: 5 }],
    webhookNames: [{ entity: 'Ticket', name: 'office-protect-Ticket', fields: ['status'] }],
  },
  connectwise: {
    connection: connection(),
    billing: { customers: ['AcmeCorp'], agreementName: 'Endpoint', catalogItem: 'EP-1' },
  },
  googleAdminRoles: { request: adminRole() },
});

export const ledger = () => ({
  groupName: 'groups/abc',
  groupCreated: true,
  membersAdded: ['teacher@contoso.example'],
  roleId: '42',
  roleCreated: true,
  assignmentIds: ['7'],
});

export const offboarding = () => ({
  orderId: 'SO-1001',
  customer: { id: 'acme', name: 'Acme' },
  mode: 'plan',
  googleAdminRoles: { request: adminRole(), ledger: ledger() },
  googleDelegation: {
    domain: 'contoso.example',
    adminEmail: 'admin@contoso.example',
    serviceAccount: { clientId: SA_CLIENT_ID, email: 'sa@p.iam.gserviceaccount.com', keyRef: 'env:KEY' },
    scopes: ['https://mail.google.com/'],
  },
  autotask: {
    tenant: 'acme',
    vendorProfile: 'sophos-central',
    credentials: credentials(),
    webhooks: [{ entity: 'Ticket', name: 'office-protect-Ticket' }],
  },
  connectwise: {
    connection: connection(),
    customers: ['AcmeCorp'],
    agreementName: 'Endpoint',
    catalogItem: 'EP-1',
    created: { companies: ['AcmeCorp'], catalogItem: true },
  },
  timing: { recheckSeconds: 10, operatorDeadlineHours: 12 },
});

/** A copy of `base` with the value at `path` (dot-separated; array indices as numbers) replaced, or removed when `undefined`. */
export function withField(base: unknown, path: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

export function problems(parse: (value: unknown) => unknown, value: unknown): string[] {
  try {
    parse(value);
    return [];
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
}

/** Seed 004's vendor (Sophos Central) as the Autotask texts see its profile. */
export const SOPHOS_VIEW: AutotaskVendorProfileView = {
  profile: 'sophos-central',
  vendorName: 'Sophos Central',
  integrationVendor: 'Sophos Central - Security',
  webhooks: true,
  rights: [
    { entity: 'Companies', actions: ['query'], grantedBy: 'CRM > Account & Contact Access (All)' },
    {
      entity: 'Tickets',
      actions: ['query', 'create', 'update'],
      grantedBy: 'Service Desk > Tickets (View, Add, Edit)',
    },
  ],
  linesOfBusiness: ['General > IT Services'],
  viewItemsWithoutLineOfBusiness: true,
};
