/**
 * What one checklist page shows, read from Temporal: the order's integration (the workflow the link names,
 * or the current child of that order workflow), its `status` query, and what the admin can do on it.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AutotaskOnboardingStatus } from '../contract/autotask-onboarding-messages';
import type { ConnectwiseStatus } from '../contract/connectwise-onboarding-messages';
import {
  customerOnboardingStatusQuery,
  type CustomerOnboardingStatus,
  type IntegrationName,
  type IntegrationState,
} from '../contract/customer-onboarding-messages';
import type { DelegationStatus } from '../contract/google-delegation-messages';
import type { ChecklistClaims } from '../checklist';

const ALIASES: Record<string, IntegrationName> = {
  googleDelegation: 'googleDelegation',
  'google-delegation': 'googleDelegation',
  googleAdminRoles: 'googleAdminRoles',
  'google-admin-roles': 'googleAdminRoles',
  autotask: 'autotask',
  connectwise: 'connectwise',
};

/** The link's integration as the order names it (`googleDelegation`; `google-delegation` is accepted too). */
export function integrationName(claim: string): IntegrationName | undefined {
  return ALIASES[claim];
}

export type IntegrationView =
  | { kind: 'googleDelegation'; status: DelegationStatus }
  | { kind: 'connectwise'; status: ConnectwiseStatus }
  | { kind: 'autotask'; status: AutotaskOnboardingStatus }
  | { kind: 'other'; status: { state?: string; step?: string; vendor?: string; customer?: string; error?: string } };

export interface PageModel {
  integration: IntegrationName;
  /** The order, when the link names an order workflow (supply-credential goes through it). */
  orderId?: string;
  customerName: string;
  /** The integration's own workflow (current child), when it has started. */
  childWorkflowId?: string;
  /** The order's view of the integration: pending, blocked, running, completed, failed, abandoned. */
  state: IntegrationState | 'running';
  view?: IntegrationView;
  /** What the admin can do now. */
  canCheckNow: boolean;
  credential?: 'connectwise' | 'autotask';
  done: boolean;
  failed?: string;
}

/** Undefined: no such workflow (the page answers as for an expired link, revealing nothing). */
export async function loadPageModel(client: Client, claims: ChecklistClaims): Promise<PageModel | undefined> {
  const integration = integrationName(claims.int);
  if (!integration) return undefined;
  let handle = client.workflow.getHandle(claims.wf);
  let type: string;
  try {
    const desc = await handle.describe();
    type = desc.type;
    // A link to an order's child (the e-mails name the workflow that sent them): follow the order, so the
    // page reaches the current run after a retry and supply-credential goes through the order as the CLI's does.
    const parent = desc.parentExecution?.workflowId;
    if (type !== 'customerOnboarding' && parent) {
      const p = client.workflow.getHandle(parent);
      if ((await p.describe()).type === 'customerOnboarding') {
        handle = p;
        type = 'customerOnboarding';
      }
    }
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  let orderId: string | undefined;
  let customerName = '';
  let childWorkflowId: string | undefined = claims.wf;
  let state: PageModel['state'] = 'running';
  let failed: string | undefined;
  if (type === 'customerOnboarding') {
    const order: CustomerOnboardingStatus = await handle.query(customerOnboardingStatusQuery);
    const i = order.integrations.find((x) => x.name === integration);
    if (!i) return undefined;
    orderId = order.orderId;
    customerName = order.customer.name;
    childWorkflowId = i.workflowId;
    state = i.state;
    if (i.state === 'failed') failed = i.error ?? 'the integration failed.';
  }
  let view: IntegrationView | undefined;
  if (childWorkflowId && state !== 'pending' && state !== 'blocked') {
    try {
      const status = await client.workflow.getHandle(childWorkflowId).query<unknown>('status');
      view = { kind: integration === 'googleAdminRoles' ? 'other' : integration, status } as IntegrationView;
    } catch {
      /* not running yet, or gone: the order's view above is what we know */
    }
  }
  const s = view?.status;
  customerName ||= s?.customer ?? '';
  const done = state === 'completed' || s?.state === 'completed';
  if (!failed && s?.state === 'failed') failed = s.error ?? 'the integration failed.';
  const running = !done && !failed && (state === 'running' || state === undefined);
  return {
    integration,
    orderId,
    customerName,
    childWorkflowId,
    state,
    view,
    done,
    ...(failed ? { failed } : {}),
    canCheckNow:
      running &&
      ((view?.kind === 'googleDelegation' && ['awaiting-grant', 'verifying'].includes(view.status.step)) ||
        (view?.kind === 'connectwise' && view.status.step === 'awaiting-permissions')),
    ...(running && orderId && view?.kind === 'connectwise' && view.status.step === 'awaiting-connection'
      ? { credential: 'connectwise' as const }
      : running && orderId && view?.kind === 'autotask' && view.status.step === 'awaiting-credentials'
        ? { credential: 'autotask' as const }
        : {}),
  };
}
