/** zod-free validation constants, shared by the schemas (src/domain/field-validators.ts) and the workflows. */

/**
 * A secret *reference*, never the secret itself: `file:/path`, `env:NAME`, or `store:NAME` (a value in the
 * secret store the workers share, written by `supply-credential`: src/secrets/secret-store.ts).
 */
export const SECRET_REF_PATTERN = /^(file:.+|env:[A-Za-z_][A-Za-z0-9_]*|store:[A-Za-z0-9][A-Za-z0-9._/-]{0,199})$/;
