/**
 * Guard: every activity every workflow schedules carries the heartbeat timeout (issue 25). A killed worker
 * is then noticed within HEARTBEAT and the activity retried on the next worker, instead of after its
 * start-to-close. The TypeScript compiler reads src/workflows: for each `proxyActivities(options)`,
 * `proxyLocalActivities(options)` and `<activity>.executeWithOptions(options, args)`, the type of `options`
 * (through constants, spreads and imports) must have a required `heartbeatTimeout` whose literal value is
 * at most HEARTBEAT. Options built with `heartbeating()` (src/workflows/activity-timeouts.ts) have it.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { msToNumber } from '@temporalio/common/lib/time';
import ts from 'typescript';
import { HEARTBEAT } from '../../src/workflows/activity-timeouts';

const ROOT = resolve(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, 'src', 'workflows');
const SCHEDULERS = new Set(['proxyActivities', 'proxyLocalActivities']);

interface Site {
  where: string;
  problem?: string;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** Why these options may leave an activity without the heartbeat timeout, or undefined when they cannot. */
function heartbeatProblem(checker: ts.TypeChecker, options: ts.Expression): string | undefined {
  const type = checker.getTypeAtLocation(options);
  const prop = type.getProperty('heartbeatTimeout');
  if (!prop) return 'no heartbeatTimeout';
  if (prop.flags & ts.SymbolFlags.Optional) return 'heartbeatTimeout is optional in its type (use heartbeating())';
  const t = checker.getTypeOfSymbol(prop);
  if (!t.isStringLiteral() && !t.isNumberLiteral())
    return `heartbeatTimeout is ${checker.typeToString(t)}, not a known duration (use heartbeating())`;
  if (msToNumber(t.value) > msToNumber(HEARTBEAT))
    return `heartbeatTimeout ${JSON.stringify(t.value)} is longer than HEARTBEAT (${HEARTBEAT})`;
  return undefined;
}

function scheduleSites(): Site[] {
  const files = readdirSync(WORKFLOWS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(WORKFLOWS, f));
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const sites: Site[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    assert.ok(sf, file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = calleeName(node);
        const options = node.arguments[0];
        if (name && options && (SCHEDULERS.has(name) || name === 'executeWithOptions')) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          sites.push({
            where: `${relative(ROOT, file)}:${line + 1} ${name}(${options.getText(sf).slice(0, 40)})`,
            problem: heartbeatProblem(checker, options),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sites;
}

describe('every workflow activity has a heartbeat timeout', () => {
  it('proxyActivities and executeWithOptions in src/workflows all carry heartbeatTimeout <= HEARTBEAT', () => {
    const sites = scheduleSites();
    // The scan found the schedulers: each workflow module that runs activities has at least one.
    assert.ok(sites.filter((s) => /proxyActivities/.test(s.where)).length >= 10, `${sites.length} sites`);
    const bad = sites.filter((s) => s.problem).map((s) => `${s.where}: ${s.problem}`);
    assert.deepEqual(bad, [], `activities scheduled without the heartbeat timeout:\n${bad.join('\n')}`);
  });
});
