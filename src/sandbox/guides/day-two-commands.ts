/**
 * `onramp sandbox snapshot|compare|tamper|drift|offboard-admins`: day two of a sandbox order (issue 14's
 * demo, docs/sandbox-day-two.md). Snapshots and hand-change records live under .onramp/sandbox/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { orderFacts } from '../../temporal/order-facts';
import { sandboxDir, type SandboxDescriptor } from '../descriptor';
import {
  compareSnapshots,
  HAND_CHANGES,
  makeHandChange,
  playOffboardingHumans,
  takeSnapshot,
  triggerScheduledDrift,
  undoHandChange,
  VENDORS,
  type HandChange,
  type HandChangeRecord,
  type SimulatorSnapshot,
  type Vendor,
} from './day-two-guide';
import { GuideError, type GuideContext } from './guide-steps';

const dir = (sub: string) => join(sandboxDir(loadConfig().dataDir), sub);
const safe = (name: string) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name))
    throw new GuideError(`"${name}": a snapshot name is letters, digits, . _ - (an order ID works)`);
  return name;
};

export function saveSnapshot(name: string, snap: SimulatorSnapshot): string {
  mkdirSync(dir('snapshots'), { recursive: true });
  const file = join(dir('snapshots'), `${safe(name)}.json`);
  writeFileSync(file, `${JSON.stringify(snap, null, 2)}\n`);
  return file;
}

function loadSnapshot(name: string): SimulatorSnapshot {
  const file = join(dir('snapshots'), `${safe(name)}.json`);
  if (!existsSync(file))
    throw new GuideError(`no snapshot ${name} (${file}): take one with onramp sandbox snapshot ${name}`);
  return JSON.parse(readFileSync(file, 'utf8')) as SimulatorSnapshot;
}

const changesFile = (orderId: string) => join(dir('hand-changes'), `${safe(orderId)}.json`);
function loadChanges(orderId: string): HandChangeRecord[] {
  const f = changesFile(orderId);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as HandChangeRecord[]) : [];
}
function saveChanges(orderId: string, list: HandChangeRecord[]): void {
  mkdirSync(dir('hand-changes'), { recursive: true });
  if (list.length) writeFileSync(changesFile(orderId), `${JSON.stringify(list, null, 2)}\n`);
  else rmSync(changesFile(orderId), { force: true });
}

export interface SandboxCommandDeps {
  descriptor(): SandboxDescriptor;
  withSandbox<T>(out: (s: string) => void, fn: (ctx: GuideContext) => Promise<T>): Promise<T>;
}

export function registerDayTwoCommands(sandbox: Command, out: (s: string) => void, deps: SandboxCommandDeps): void {
  sandbox
    .command('snapshot <name>')
    .description('save what every simulator holds (as the consoles show it; no secrets, no audit records) under a name')
    .action(async (name: string) => {
      const snap = await takeSnapshot(deps.descriptor());
      out(`saved ${saveSnapshot(name, snap)}`);
    });

  sandbox
    .command('compare <name>')
    .description('what changed in the simulators since snapshot <name> (onramp sandbox order saves one as <orderId>)')
    .action(async (name: string) => {
      const lines = compareSnapshots(loadSnapshot(name), await takeSnapshot(deps.descriptor()));
      out(
        lines.length
          ? `${lines.length} difference(s) since snapshot ${name}:\n${lines.map((l) => `  ${l}`).join('\n')}`
          : `every simulator is as in snapshot ${name} (audit records aside)`
      );
    });

  sandbox
    .command('tamper <vendor> <orderId>')
    .description(
      "play an admin changing by hand what the order's onboarding set up (for its drift check to find); --undo puts it back"
    )
    .addOption(
      new Option(
        '--change <change>',
        'google: assignment (unassign the role in one org unit) | scope (revoke one delegated scope); autotask: webhook (set inactive) | right (Tickets Edit from All to Restricted); connectwise: permission (Service Tickets Inquire from All to My) | addition (delete a synced agreement addition). Default: the first of the vendor'
      ).choices([...new Set(Object.values(HAND_CHANGES).flat())])
    )
    .option('--undo', "put back every hand change made to this vendor for the order (or 'all' vendors)")
    .action(async (vendorArg: string, orderId: string, opts: { change?: HandChange; undo?: boolean }) => {
      const vendors: Vendor[] =
        vendorArg === 'all'
          ? [...VENDORS]
          : (VENDORS as readonly string[]).includes(vendorArg)
            ? [vendorArg as Vendor]
            : (() => {
                throw new GuideError(`vendor: one of ${VENDORS.join(', ')}, all`);
              })();
      await deps.withSandbox(out, async (ctx) => {
        const records = loadChanges(orderId);
        if (opts.undo) {
          const undo = records.filter((r) => vendors.includes(r.vendor)).reverse();
          if (!undo.length) out(`no hand change of ${vendors.join(', ')} recorded for order ${orderId}`);
          for (const r of undo) out(`[${r.vendor}] undone: ${await undoHandChange(ctx, r)}`);
          saveChanges(
            orderId,
            records.filter((r) => !vendors.includes(r.vendor))
          );
          return;
        }
        if (opts.change && vendors.length > 1) throw new GuideError('--change goes with one vendor');
        const { input } = await orderFacts(ctx.client, orderId, { allowRunning: true });
        for (const v of vendors) {
          const change = opts.change ?? HAND_CHANGES[v][0];
          if (!(HAND_CHANGES[v] as readonly string[]).includes(change))
            throw new GuideError(`--change for ${v}: one of ${HAND_CHANGES[v].join(', ')}`);
          const r = await makeHandChange(ctx, input, change);
          records.push(r);
          saveChanges(orderId, records);
          out(`[${v}] ${r.description}\n     the drift check should open ${r.expectedFinding}`);
        }
      });
    });

  sandbox
    .command('drift <orderId>')
    .description("trigger the order's drift-check schedule now (as temporal schedule trigger does) and print its run")
    .action(async (orderId: string) => {
      await deps.withSandbox(out, async (ctx) => {
        const { input } = await orderFacts(ctx.client, orderId, { allowRunning: true });
        const { workflowId, report } = await triggerScheduledDrift(ctx.client, input.customer.id);
        out(`schedule drift-check:${input.customer.id} started ${workflowId}`);
        out(
          `${report.findings.length} problem(s); opened ${report.opened?.length ?? 0}, closed ${report.closed?.length ?? 0}${report.note ? ` (${report.note})` : ''}`
        );
        for (const f of report.findings)
          out(`  ${report.opened?.includes(f.key!) ? 'OPENED' : 'open  '}  ${f.key}: ${f.problem}`);
        for (const k of report.closed ?? []) out(`  CLOSED  ${k}`);
      });
    });

  sandbox
    .command('offboard-admins <orderId>')
    .description(
      "play the customer's and the vendors' admins for each operator step the running offboarding asks for, then wait for its report"
    )
    .action(async (orderId: string) => {
      await deps.withSandbox(out, async (ctx) => {
        const { input } = await orderFacts(ctx.client, orderId);
        const report = await playOffboardingHumans(ctx, ctx.client, input);
        out(`\noffboarding of order ${orderId}: ${report.state}`);
        for (const s of report.steps)
          out(`  [${s.state}] ${s.integration}: ${s.action}${s.by === 'operator' ? ' (operator)' : ''}`);
        for (const n of report.notes) out(`  note: ${n}`);
      });
    });
}
