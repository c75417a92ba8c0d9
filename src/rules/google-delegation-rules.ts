import type { DelegationInput } from '../domain/google-delegation-schema';
import { object, value } from './fill-defaults';

/** The 16 scopes of seed 000 (Atera IT Autopilot), the default grant. */
export const DEFAULT_DELEGATION_SCOPES = [
  'https://mail.google.com/',
  'https://www.googleapis.com/auth/gmail.send',
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/gmail.settings.basic',
  'https://www.googleapis.com/auth/admin.reports.usage.readonly',
  'https://www.googleapis.com/auth/admin.directory.group',
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.directory.group.member',
  'https://www.googleapis.com/auth/admin.directory.group.member.readonly',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.settings.readonly',
] as const;

/** Business key: one delegation onboarding per customer domain and vendor client ID. */
export function delegationWorkflowId(input: Pick<DelegationInput, 'customer' | 'serviceAccount'>): string {
  return `google-delegation:${input.customer.domain}:${input.serviceAccount.clientId}`;
}

/** "24 h", "90 min", "2 s": for messages a human reads. */
export function formatDuration(ms: number): string {
  if (ms >= 3600_000 && ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

export type ScopeState = 'granted' | 'missing' | 'unchecked';

export interface ScopeStatus {
  scope: string;
  state: ScopeState;
  lastCheckedAt?: string;
  detail?: string;
}

export type DelegationStep = 'validating' | 'awaiting-grant' | 'verifying' | 'notifying-vendor' | 'done';

export interface DelegationStatus {
  workflowId: string;
  customer: string;
  vendor: string;
  step: DelegationStep;
  state: 'running' | 'waiting-for-operator' | 'completed' | 'failed';
  scopes: ScopeStatus[];
  checks: number;
  nextCheckAt?: string;
  deadlineAt: string;
  instructions: DelegationInstructions;
  notifiedAt?: string;
  error?: string;
}

export interface DelegationInstructions {
  consolePath: string;
  clientId: string;
  scopesCsv: string;
  text: string;
}

/** The admin's instruction, ready to paste (seed 000 steps 1-6). */
export function delegationInstructions(input: DelegationInput): DelegationInstructions {
  const scopesCsv = input.scopes.join(',');
  const consolePath =
    'Admin console (admin.google.com) > Security > Access and data control > API controls > Manage Domain Wide Delegation > Add new';
  const text = [
    `Sign in to the Google Admin console of ${input.customer.domain} as a super admin (${input.adminEmail}).`,
    `Go to ${consolePath}.`,
    `Client ID: ${input.serviceAccount.clientId}`,
    `OAuth scopes (comma-delimited): ${scopesCsv}`,
    'Click Authorize. Onramp checks every scope until the grant has propagated (minutes, up to 24 hours), then tells ' +
      `${input.vendor.name} support (${input.vendor.supportEmail}) the admin email.`,
  ].join('\n');
  return { consolePath, clientId: input.serviceAccount.clientId, scopesCsv, text };
}

/** The schema's defaults (scopes, polling), for a workflow started around the door: see core/defaults.ts. */
export const fillDelegationDefaults = object({
  scopes: value([...DEFAULT_DELEGATION_SCOPES]),
  polling: object(
    { initialIntervalSeconds: value(30), maxIntervalSeconds: value(15 * 60), deadlineHours: value(24) },
    'fill'
  ),
});
