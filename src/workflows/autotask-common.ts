import { heartbeating } from './activity-timeouts';
import type { Progress } from './progress';
import { FailureType } from '../contract/failure-types';
import type {
  AutotaskCredentialsV1,
  OperatorTimingV1,
  WebhookConfigV1,
  WebhookEntity,
  WebhookSummary,
} from '../contract/autotask-onboarding-messages';
import type { OnrampActivities } from '../activities';
import type { VerifiedCredentials } from '../activities/autotask/activities';
import { DEFAULT_WEBHOOK_FIELDS, webhookNameFor } from '../rules/autotask-rules';
import { proxyActivities, sleep } from '@temporalio/workflow';

/** Activity options shared by the Autotask workflows. Permanent failures (401, 500 "unknown user") are nonRetryable at the source. */
export const AUTOTASK_READ = heartbeating({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});
export const AUTOTASK_WRITE = heartbeating({
  startToCloseTimeout: '5 minutes',
  // Heartbeats after every write: a crashed worker's attempt is retried within seconds, and the retry
  // finds what the crashed one created (lookup by name).
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 },
});

/** Where the API calls go once an API user's credentials are accepted (its zone discovered). */
export interface Target {
  tenant: string;
  /** The vendor profile whose tracking identifier the worker sends (resolved there, never in history). */
  vendorProfile: string;
  credentials: AutotaskCredentialsV1;
  zoneUrl: string;
}

/** Poll until `check` says done or the deadline passes; waits double up to 30 s. */
export async function pollUntil(
  check: () => Promise<boolean>,
  firstWaitMs: number,
  deadlineAt: number
): Promise<boolean> {
  let wait = firstWaitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadlineAt) return false;
    await sleep(Math.min(wait, Math.max(deadlineAt - Date.now(), 1)));
    wait = Math.min(wait * 2, 30_000);
  }
}

const { verifyAutotaskCredentials, getAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_READ);
const { ensureAutotaskWebhook } = proxyActivities<OnrampActivities>(AUTOTASK_WRITE);

/** An API user's credentials checked (and its zone discovered); a rejection ends the workflow. */
export async function verifyUser(
  progress: Progress<string>,
  user: Omit<Target, 'zoneUrl'>,
  summary: string
): Promise<VerifiedCredentials> {
  return verifyAutotaskCredentials
    .executeWithOptions({ ...AUTOTASK_READ, summary }, [user])
    .catch((err: unknown) => progress.failFrom(err, FailureType.AutotaskCredentialsRejected));
}

/** The webhooks one workflow makes as one API user, by entity, and how its activity summaries name them. */
export interface WebhookSet {
  progress: Progress<string>;
  target: Target;
  webhooks: Map<string, WebhookSummary>;
  /** '' for an onboarding's webhooks, 'new ' for a rotation's. */
  label: '' | 'new ';
}

/**
 * One webhook per entity, created (or finished) as the set's API user from `config`; its events exclude
 * `excludedResourceId` (the integration's own writes must not echo back to it as events).
 */
export async function ensureWebhooks(
  set: WebhookSet,
  config: WebhookConfigV1,
  entities: readonly WebhookEntity[],
  excludedResourceId: number | undefined
): Promise<void> {
  for (const entity of entities) {
    const name = webhookNameFor(config.name, entity);
    const hook = await ensureAutotaskWebhook
      .executeWithOptions(
        { ...AUTOTASK_WRITE, summary: `Create or finish the ${set.label}${entity} webhook "${name}"` },
        [
          {
            ...set.target,
            entity,
            name,
            webhookUrl: config.webhookUrl,
            deactivationUrl: config.deactivationUrl,
            signingKeyRef: config.signingKeyRef,
            fields: config.fields[entity] ?? DEFAULT_WEBHOOK_FIELDS[entity],
            events: config.events,
            excludedResourceIds: excludedResourceId !== undefined ? [excludedResourceId] : [],
            notificationEmail: config.notificationEmail,
          },
        ]
      )
      .catch((err: unknown) => set.progress.failFrom(err, FailureType.AutotaskWebhookFailed));
    set.webhooks.set(entity, hook);
  }
}

/**
 * Autotask marks a webhook ready once it has a subscribed field: each of the set's webhooks polled until
 * ready, else the workflow fails with `notReady`'s message at the deadline.
 */
export async function pollWebhooksReady(
  set: WebhookSet,
  timing: OperatorTimingV1,
  notReady: (entity: string, id: number, deadlineMinutes: number) => string
): Promise<void> {
  const deadlineAt = Date.now() + timing.readyDeadlineMinutes * 60_000;
  for (const [entity, hook] of set.webhooks) {
    const ready = await pollUntil(
      async () => {
        const now = await getAutotaskWebhook.executeWithOptions(
          { ...AUTOTASK_READ, summary: `Is ${set.label}${entity} webhook ${hook.id} ready?` },
          [{ ...set.target, entity: hook.entity, id: hook.id }]
        );
        if (now) set.webhooks.set(entity, now);
        return !!now?.isReady && now.isActive;
      },
      timing.readyPollSeconds * 1000,
      deadlineAt
    );
    if (!ready) {
      set.progress.fail(notReady(entity, hook.id, timing.readyDeadlineMinutes), FailureType.AutotaskWebhookNotReady);
    }
  }
}
