/**
 * `onramp`: the operator CLI. Talks to Temporal through the client (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE).
 * Secrets are never taken from argv: orders carry secret *references*. One module per command group in
 * ./commands; this file wires them and maps errors to exit codes (docs/operations.md: errors 1, usage errors 2).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Command, CommanderError } from 'commander';
import { InputError } from '../domain/field-validators';
import { isTemporalUnavailable, OperatorActionError, OrderConflictError, OrderNotFoundError } from '../services/orders';
import { registerGoogleCommands } from './commands/google-commands';
import { registerOrderCommands } from './commands/order-commands';
import { registerScheduleCommands } from './commands/schedule-commands';
import { registerSecretsCommands } from './commands/secret-commands';
import { registerChecklistCommands } from './commands/checklist-commands';
import { registerFindingCommands } from './commands/finding-commands';
import { registerSalesCommands } from './commands/sales-commands';
import { CliError, type Out } from './context';
import { registerSandboxCommands } from '../sandbox/guides';
import { registerOffboardCommand } from './offboard';

export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/**
 * Usage errors echo what was typed, and an operator may have typed a secret (`--secret=hunter2`): print
 * option *names* only, never a value given with `=`.
 */
export function redactUsage(message: string): string {
  return message.replace(/(--?[A-Za-z0-9][\w-]*)=[^'"\s]*/g, '$1=<redacted>');
}

export function buildProgram(out: Out = (s) => process.stdout.write(`${s}\n`)): Command {
  const program = new Command('onramp')
    .description('Onramp: vendor integration onboardings as durable Temporal workflows')
    .showHelpAfterError('(run with --help for usage)')
    // Set before any subcommand is added: commander copies these settings into each one when it is created.
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(redactUsage(s)) });

  registerOrderCommands(program, out);
  registerGoogleCommands(program, out);
  registerScheduleCommands(program, out);
  registerFindingCommands(program, out);
  registerSalesCommands(program, out);
  registerOffboardCommand(program, out);
  registerSecretsCommands(program, out);
  registerChecklistCommands(program, out);

  // Sandbox commands (`onramp sandbox <guide>`): defined in ./sandbox/, registered here and only here.
  registerSandboxCommands(program, out);

  return program;
}

/** The message of an error for the operator: the workflow's own refusal for a rejected Update. */
function describeError(err: unknown): string {
  if (err instanceof WorkflowUpdateFailedError)
    return `refused by the workflow: ${redactUsage(err.cause?.message ?? err.message)}`;
  if (err instanceof WorkflowNotFoundError) return `no such onboarding: ${err.message}`;
  if (isTemporalUnavailable(err))
    return `cannot reach Temporal (${(err as Error).message}); nothing was started or changed. Is it running?`;
  if (
    err instanceof InputError ||
    err instanceof CliError ||
    err instanceof OrderNotFoundError ||
    err instanceof OperatorActionError ||
    err instanceof OrderConflictError
  )
    return err.message;
  return err instanceof Error ? err.message : String(err);
}

export async function runCli(argv: string[], errOut: Out = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        return EXIT.ok;
      return EXIT.usage; // commander already printed the (redacted) usage error
    }
    errOut(`onramp: ${describeError(err)}`);
    return EXIT.error;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.error)
  );
}
