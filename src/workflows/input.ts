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
  // then); a schema tightened since must not change what the run does. Taken as it is, with the defaults
  // it was given then (an input started with defaults left out must not lose them: a crash on replay).
  if (workflowInfo().unsafe.isReplaying) return withDefaults(schema, request) as T;
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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * `request` with the defaults and normalisation `schema` gives it, for an input the schema now refuses:
 * what it refuses (keys it no longer knows, values it no longer accepts) is left out of a probe until the
 * rest parses, then put back as it was. When the probe cannot parse (a required field refused), the
 * request as it is. Pure and deterministic (workflow code).
 */
export function withDefaults(schema: z.ZodType, request: unknown): unknown {
  const probe: unknown = JSON.parse(JSON.stringify(request));
  for (let round = 0; round < 8; round++) {
    const r = schema.safeParse(probe);
    if (r.success) return overlay(request, r.data);
    let changed = false;
    for (const issue of r.error.issues) {
      const parent = issue.path
        .slice(0, -1)
        .reduce<unknown>((o, k) => (isObject(o) || Array.isArray(o) ? (o as Json)[k as string] : undefined), probe);
      if (issue.code === 'unrecognized_keys') {
        const at = issue.path.reduce<unknown>(
          (o, k) => (isObject(o) || Array.isArray(o) ? (o as Json)[k as string] : undefined),
          probe
        );
        if (isObject(at)) for (const k of issue.keys) changed = delete at[k] || changed;
        continue;
      }
      const key = issue.path[issue.path.length - 1];
      if (isObject(parent) && typeof key === 'string' && parent[key] !== undefined)
        changed = delete parent[key] || changed;
    }
    if (!changed) break;
  }
  return request;
}

/** `parsed` over `raw`: the parsed value wherever it has one, `raw` for what the probe left out. */
function overlay(raw: unknown, parsed: unknown): unknown {
  if (!isObject(raw) || !isObject(parsed)) return parsed === undefined ? raw : parsed;
  const out: Json = { ...raw };
  for (const [k, v] of Object.entries(parsed)) out[k] = overlay(raw[k], v);
  return out;
}
