import { ApplicationFailure } from '@temporalio/workflow';
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
 * - the schema is used only to fill defaults and normalise, as the door did. When today's schema no
 *   longer accepts an input that the door of its day accepted, the input is taken as it is: the door
 *   already normalised it.
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
  return (normalised.success ? normalised.data : request) as T;
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
