/**
 * Bench only (never in src/workflows): the Temporal floor of a delegation onboarding with its grant in
 * place. The same commands in the same order — four search-attribute upserts around three activities, no
 * timer — but the activities do nothing and the workflow holds no state, so completions per second of this
 * workflow are what the server and the SDK allow on this machine; the delegation's rate against it is
 * Onramp's own cost (bench/scenarios/delegation-throughput.ts).
 */
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { OnrampState, OnrampStep } from '../../src/contract/search-attributes';

export interface FloorActivities {
  onrampBenchNoop(input: { step: string }): Promise<{ step: string }>;
}

const { onrampBenchNoop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '2 minutes' });

const enter = (step: string, state: string) =>
  upsertSearchAttributes([
    { key: OnrampStep, value: step },
    { key: OnrampState, value: state },
  ]);

export async function onrampBenchThroughputFloor(): Promise<{ checks: number }> {
  enter('awaiting-grant', 'waiting-for-operator');
  await onrampBenchNoop({ step: 'each' });
  enter('verifying', 'running');
  await onrampBenchNoop({ step: 'together' });
  enter('notifying-vendor', 'running');
  await onrampBenchNoop({ step: 'notify' });
  enter('done', 'completed');
  return { checks: 2 };
}
