import { z } from 'zod';

/**
 * Validators shared by every entry point (HTTP intake, CLI, workflow input). Pure: workflows import them.
 * Every message says what is wrong *and* how to fix it, because it is shown to the person who typed the value.
 */
export const SECRET_REF_PATTERN = /^(file:.+|env:[A-Za-z_][A-Za-z0-9_]*)$/;

export const secretRef = (what: string) =>
  z
    .string({ error: `${what} is required: give a reference such as file:/path/to/secret or env:VARIABLE_NAME` })
    .regex(
      SECRET_REF_PATTERN,
      `must be a secret *reference* (file:/path/to/secret or env:VARIABLE_NAME), never the secret itself`
    );

export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a DNS domain like example.com (no scheme, no path)'
  );

export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be an email address like admin@example.com'));

export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[]
  ) {
    super(`Invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
  }
}

/** One line per problem, each naming its field path, e.g. `serviceAccount.clientId: must be ...`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`);
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(what, describeIssues(parsed.error));
  return parsed.data;
}
