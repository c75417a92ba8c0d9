import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { dockerfileRuntime } from '../scripts/compose-resolve';
import { WORKER_NODE_FLAGS, WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from '../src/worker';

const repo = resolve(__dirname, '..');

/** What a package.json script sets before `node`, and the node options it passes before its entry point. */
function scriptLaunch(script: string): { env: Record<string, string>; flags: string[] } {
  const m = /^((?:\w+=\S+\s+)*)node\s+(.*?)\s*--import tsx\s/.exec(script);
  assert.ok(m, `"${script}" should be: [VAR=value ...] node [flags] --import tsx <entry>`);
  const env: Record<string, string> = {};
  for (const pair of m[1]!.trim().split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf('=');
    // `${MALLOC_ARENA_MAX:-2}`: the shipped value, overridable from the caller's environment.
    env[pair.slice(0, i)] = pair.slice(i + 1).replace(/^\$\{(\w+):-(.*)\}$/, (_, name: string, v: string) => {
      assert.equal(name, pair.slice(0, i), `${pair}: the default should be for the variable it sets`);
      return v;
    });
  }
  return { env, flags: m[2]!.split(/\s+/).filter(Boolean) };
}

describe("the worker's launch settings (src/worker.ts WORKER_PROCESS_ENV, WORKER_NODE_FLAGS) are what every launcher uses", () => {
  it("the Dockerfile's runtime stage sets the same environment and node flags", () => {
    // The same reading of the Dockerfile that scripts/prod-proof.sh's compose resolution uses.
    const { env, cmd } = dockerfileRuntime(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
    for (const [name, value] of Object.entries(WORKER_PROCESS_ENV))
      assert.equal(env[name], value, `Dockerfile ENV ${name} (src/worker.ts WORKER_PROCESS_ENV says ${value})`);
    const nodeOptions = (env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
    assert.deepEqual(
      nodeOptions,
      [...WORKER_NODE_OPTIONS],
      'Dockerfile ENV NODE_OPTIONS should be WORKER_NODE_OPTIONS'
    );
    // The flags NODE_OPTIONS refuses (--optimize-for-size) sit between `node` and the entry point of CMD.
    assert.equal(cmd[0], 'node', `Dockerfile CMD ${JSON.stringify(cmd)}`);
    assert.deepEqual(
      [...nodeOptions, ...cmd.slice(1, -1)],
      [...WORKER_NODE_FLAGS],
      'Dockerfile NODE_OPTIONS + CMD flags should be WORKER_NODE_FLAGS'
    );
  });

  for (const script of ['worker', 'start'])
    it(`\`npm run ${script}\` sets the same environment and node flags`, () => {
      const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const launch = scriptLaunch(pkg.scripts[script]!);
      assert.deepEqual(launch.env, { ...WORKER_PROCESS_ENV }, `package.json scripts.${script}: environment`);
      assert.deepEqual(launch.flags, [...WORKER_NODE_FLAGS], `package.json scripts.${script}: node flags`);
    });
});
