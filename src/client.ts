import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { dataConverterFromConfig } from './codec';
import type { OnrampConfig } from './config';
import { delegationWorkflowId, parseDelegationInput, type DelegationRequest } from './domain/google-delegation-schema';
import { connectTemporal } from './temporal/connection';
import { OnrampCustomer, OnrampIntegration, OnrampState, OnrampStep, OnrampVendor } from './contract/search-attributes';
import type { googleDelegationOnboarding } from './workflows';
import { customerPriority } from './rules/fairness';

/**
 * Payloads and failures are encrypted with the configured key ring (src/codec), as the worker's are. The
 * connection (address, TLS / mTLS, API key) comes from src/temporal/connection.ts, as every process's does.
 */
export async function connectClient(config: OnrampConfig): Promise<Client> {
  const dataConverter = await dataConverterFromConfig(config);
  const connection = await connectTemporal(config.temporal);
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter });
}

export class OnboardingAlreadyCompletedError extends Error {
  constructor(readonly workflowId: string) {
    super(`onboarding ${workflowId} already completed; look at it with: onramp status ${workflowId}`);
    this.name = 'OnboardingAlreadyCompletedError';
  }
}

/**
 * Validate a delegation request and start its onboarding. Invalid input throws InputError naming every
 * bad field, and nothing is started. The workflow ID is the business key (customer domain + client ID):
 * starting the same onboarding twice returns the running one, and a failed one may be started again.
 */
export async function startGoogleDelegation(
  client: Client,
  config: Pick<OnrampConfig, 'temporal'>,
  request: DelegationRequest
): Promise<WorkflowHandle<typeof googleDelegationOnboarding>> {
  const input = parseDelegationInput(request);
  const workflowId = delegationWorkflowId(input);
  try {
    return await client.workflow.start<typeof googleDelegationOnboarding>('googleDelegationOnboarding', {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      priority: customerPriority(input.customer.domain),
      typedSearchAttributes: [
        { key: OnrampCustomer, value: input.customer.domain },
        { key: OnrampVendor, value: input.vendor.name },
        { key: OnrampIntegration, value: 'google-delegation' },
        { key: OnrampStep, value: 'validating' },
        { key: OnrampState, value: 'running' },
      ],
      staticSummary: `Google domain-wide delegation: ${input.customer.domain} → ${input.vendor.name}`,
      staticDetails: `Client ID ${input.serviceAccount.clientId}, ${input.scopes.length} scopes, admin ${input.adminEmail}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new OnboardingAlreadyCompletedError(workflowId);
    throw err;
  }
}
