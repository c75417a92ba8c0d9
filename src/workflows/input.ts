import { ApplicationFailure } from '@temporalio/workflow';
import { missingFields, type Filler } from '../rules/fill-defaults';
import { FailureType } from '../contract/failure-types';

/**
 * Workflow inputs are validated once, at the door (intake, CLI, schedules, each workflow's start helper),
 * and the workflow takes the validated value as its versioned input type (`...V1`). Workflows never
 * validate with the zod schemas, nor load zod at all: every module of the workflow bundle is evaluated
 * once per cached workflow (reuseV8Context keeps a module cache per workflow), and the domain schemas cost
 * ~2 MB of heap per workflow and tens of milliseconds per cache miss (docs/benchmark.md). Nor
 * could a schema tightened by a later deploy then fail a history that was valid when it started.
 *
 * - a frozen shape check (an object with the V1 fields) turns a workflow started around the door with
 *   garbage into an InvalidInput failure instead of a stuck workflow task. Never make it stricter; a new
 *   input version (a new frozen `...V2` interface in src/contract) gets its own check, versioned by an entry
 *   of the Patch registry (src/contract/patches.ts, whose header states the policy);
 * - the schema's defaults are filled by a pure filler (src/rules): the door already filled them, but
 *   a run started around it (tests, recorded histories) may have left them out.
 */
export function inputV1<T>(request: unknown, fill: Filler, required: readonly string[], what: string): T {
  const missing = missingFields(request, required);
  if (missing === 'not-an-object') {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${what}: expected an object. Start it through Onramp (intake API, CLI or its start helper), which validates every field first`,
      FailureType.InvalidInput
    );
  }
  if (missing.length) {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${what}: missing ${missing.join(', ')}. Start it through Onramp (intake API, CLI or its start helper), which validates every field first`,
      FailureType.InvalidInput
    );
  }
  return fill(request) as T;
}
