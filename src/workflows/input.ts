import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { describeIssues } from '../domain/validation';
import type { z } from 'zod';

/**
 * Workflow inputs are validated once, at the door (intake, CLI, schedules, each workflow's start helper),
 * and the workflow takes the validated value as its versioned input type (`...V1`). Workflows never
 * *refuse* their input with the live zod schemas: a schema tightened by a later deploy would make
 * histories that were valid when they started fail on replay (a nondeterminism error, or a running
 * onboarding failed for a rule it predates).
 *
 * - a frozen shape check (an object with the V1 fields) turns a workflow started around the door with
 *   garbage into an InvalidInput failure instead of a stuck workflow task. Never make it stricter; a new
 *   input version gets its own check behind `patched()`;
 * - the schema fills defaults and normalises, as the door did. A new run whose input today's schema
 *   refuses fails at once with InvalidInput (started around the door); a *replayed* run whose input a
 *   since-tightened schema refuses takes it as it is: it was accepted, and normalised, when it started.
 */
export function inputV1<T>(request: unknown, schema: z.ZodType, required: readonly string[], what: string): T {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${what}: expected an object. Start it through Onramp (intake API, CLI or its start helper), which validates every field first`,
      'InvalidInput'
    );
  }
  const missing = required.filter((k) => (request as Record<string, unknown>)[k] === undefined);
  if (missing.length) {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${what}: missing ${missing.join(', ')}. Start it through Onramp (intake API, CLI or its start helper), which validates every field first`,
      'InvalidInput'
    );
  }
  const normalised = schema.safeParse(request);
  if (normalised.success) return normalised.data as T;
  // Replaying a history: this input was accepted when the run started (by the door, and by this check
  // then); a schema tightened since must not change what the run does. Taken as it is.
  if (workflowInfo().unsafe.isReplaying) return request as T;
  // A new run started around the door with input today's schema refuses: fail at once, naming the fields.
  throw ApplicationFailure.nonRetryable(
    `Invalid ${what}:\n${describeIssues(normalised.error).join('\n')}`,
    'InvalidInput'
  );
}

/**
 * An Update handler's argument, normalised by its schema when it still parses, else as the validator
 * accepted it: validators do not run on replay, handlers do, and a later, stricter schema must not make a
 * replayed handler throw where the original run did not.
 */
export function acceptedUpdateArg<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : (value as z.output<S>);
}
