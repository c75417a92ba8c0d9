import { ActivityFailure, ApplicationFailure, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { FailureType } from '../contract/failure-types';
import { OnrampState, OnrampStep, type OnboardingState } from '../contract/search-attributes';
import { warningsMarkdown } from '../rules/status-warnings';

/** What a workflow with many steps at once shows: its step and state now, and the Web UI's details. */
export interface ProgressView<Step extends string> {
  step: Step;
  state?: OnboardingState;
  details: string;
}

/**
 * Where a workflow is, kept in one place so the status query, the search attributes (OnrampStep,
 * OnrampState) and the Web UI's current details never disagree. Every workflow uses it: `enter` moves to a
 * step, `publish` shows again what a `view` derives from the workflow's own status (offboarding: its
 * integrations side by side), `fail` ends the workflow with a failure of the registry.
 */
export class Progress<Step extends string> {
  state: OnboardingState = 'running';
  error?: string;
  /**
   * Warnings that go under every details this workflow publishes from now on (Restricted rights, unverified
   * permissions), so the Web UI shows them at every later step, not only at the one that found them.
   */
  warnings?: () => readonly string[];
  /** The details last published, without the warnings (showWarnings puts them under it again). */
  private details?: string;

  constructor(
    public step: Step,
    private readonly view?: () => ProgressView<Step>
  ) {}

  enter(step: Step, state: OnboardingState, details?: string): void {
    this.step = step;
    this.state = state;
    upsertSearchAttributes([
      { key: OnrampStep, value: step },
      { key: OnrampState, value: state },
    ]);
    if (details) {
      this.details = details;
      setCurrentDetails(`${details}${warningsMarkdown(this.warnings?.() ?? [])}`);
    }
  }

  /** The current details again with the warnings as they are now (a warning that arrived between steps). */
  showWarnings(): void {
    if (this.details !== undefined) setCurrentDetails(`${this.details}${warningsMarkdown(this.warnings?.() ?? [])}`);
  }

  /** Show where the workflow stands: the view's step, state and details (without a view: the current ones). */
  publish(): void {
    const v = this.view?.();
    this.enter(v?.step ?? this.step, v?.state ?? this.state, v?.details);
  }

  /**
   * Mark the workflow failed where it stands and end it with a non-retryable failure that says what to fix.
   * With a view, the details are the view's (it shows what failed); else the message.
   */
  fail(message: string, type: FailureType): never {
    this.error = message;
    this.state = 'failed';
    if (this.view) this.publish();
    else this.enter(this.step, 'failed', `**Failed:** ${message}`);
    throw ApplicationFailure.nonRetryable(message, type);
  }

  /**
   * End with the failure an activity or a child raised, as it said it: its message, and its type (set from
   * the registry where it was raised; the SDK carries it as a string), else `fallback`.
   */
  failAs(cause: { message: string; type?: string | null }, fallback: FailureType): never {
    return this.fail(cause.message, (cause.type as FailureType | null | undefined) ?? fallback);
  }

  /**
   * End with the failure an activity raised (its message and type), or `err`'s own message under `fallback`
   * when it carries none.
   */
  failFrom(err: unknown, fallback: FailureType): never {
    const cause = activityCause(err);
    return this.failAs({ message: cause?.message ?? (err as Error).message, type: cause?.type }, fallback);
  }
}

/** The ApplicationFailure an activity raised, if any. */
export function activityCause(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}
