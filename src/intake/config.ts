import { z } from 'zod';
import { ConfigError } from '../config';
import { SECRET_REF_PATTERN } from '../domain/validation';

/** The intake service's own settings (environment), validated at start with errors that name the variable. */
const refList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(SECRET_REF_PATTERN, 'each entry must be a secret reference (env:NAME or file:/path), comma-separated')
    )
  );

const schema = z.object({
  ONRAMP_INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
  ONRAMP_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(8485),
  /** HMAC secrets of the sales systems (several during a rotation), as references. */
  ONRAMP_INTAKE_HMAC_SECRET_REFS: refList,
  /** Bearer tokens accepted, as references. */
  ONRAMP_INTAKE_BEARER_TOKEN_REFS: refList,
});

export interface IntakeConfig {
  host: string;
  port: number;
  hmacSecretRefs: string[];
  bearerTokenRefs: string[];
}

export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const c = parsed.data;
  if (!c.ONRAMP_INTAKE_HMAC_SECRET_REFS.length && !c.ONRAMP_INTAKE_BEARER_TOKEN_REFS.length) {
    throw new ConfigError([
      'ONRAMP_INTAKE_HMAC_SECRET_REFS or ONRAMP_INTAKE_BEARER_TOKEN_REFS: set at least one, or every request would be refused',
    ]);
  }
  return {
    host: c.ONRAMP_INTAKE_HOST,
    port: c.ONRAMP_INTAKE_PORT,
    hmacSecretRefs: c.ONRAMP_INTAKE_HMAC_SECRET_REFS,
    bearerTokenRefs: c.ONRAMP_INTAKE_BEARER_TOKEN_REFS,
  };
}
