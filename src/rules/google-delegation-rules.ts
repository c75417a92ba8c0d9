import type { DelegationInputV1 } from '../contract/google-delegation-messages';
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

/**
 * Directory scopes that let Onramp read the admin's user record (users.get `isAdmin`) and so check seed 000
 * step 1 (a super admin); without one of them the admin's checklist asks the human to confirm it.
 */
export const USER_READ_SCOPES: readonly string[] = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.directory.user',
];

/** Business key: one delegation onboarding per customer domain and vendor client ID. */
export function delegationWorkflowId(input: Pick<DelegationInputV1, 'customer' | 'serviceAccount'>): string {
  return `google-delegation:${input.customer.domain}:${input.serviceAccount.clientId}`;
}

/** "24 h", "90 min", "2 s": for messages a human reads. */
export function formatDuration(ms: number): string {
  if (ms >= 3600_000 && ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** The schema's defaults (scopes, polling), for a workflow started around the door: see rules/fill-defaults.ts. */
export const fillDelegationDefaults = object({
  scopes: value([...DEFAULT_DELEGATION_SCOPES]),
  polling: object(
    { initialIntervalSeconds: value(30), maxIntervalSeconds: value(15 * 60), deadlineHours: value(24) },
    'fill'
  ),
});
