import { ApplicationFailure, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { OnrampState, OnrampStep, type OnboardingState } from '../contract/search-attributes';

/**
 * Where an onboarding is, kept in one place so the status query, the search attributes (OnrampStep,
 * OnrampState) and the Web UI's current details never disagree. Every vendor workflow uses it.
 */
export class Progress<Step extends string> {
  state: OnboardingState = 'running';
  error?: string;

  constructor(public step: Step) {}

  enter(step: Step, state: OnboardingState, details?: string): void {
    this.step = step;
    this.state = state;
    upsertSearchAttributes([
      { key: OnrampStep, value: step },
      { key: OnrampState, value: state },
    ]);
    if (details) setCurrentDetails(details);
  }

  /** Mark the onboarding failed where it stands and end it with a non-retryable failure that says what to fix. */
  fail(message: string, type: string): never {
    this.error = message;
    this.enter(this.step, 'failed', `**Failed:** ${message}`);
    throw ApplicationFailure.nonRetryable(message, type);
  }
}
