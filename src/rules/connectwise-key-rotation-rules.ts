import type { CwKeyRotationInputV1 } from '../contract/connectwise-key-rotation-messages';
import { CW_KEY_PATTERN, PRIVATE_KEY_NOT_A_REF, PRIVATE_KEY_PASTED, stripSiteUrl } from './connectwise-rules';
import { mapped, object, value } from './fill-defaults';
import { SECRET_REF_PATTERN } from './secret-ref-pattern';
import { fieldsOf } from './update-guard';

/** The customer's name as a slug: the rotation's business key and, for a scheduled run, its OnrampCustomer. */
export function cwCustomerSlug(customerName: string): string {
  return customerName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function cwKeyRotationWorkflowId(input: Pick<CwKeyRotationInputV1, 'customer' | 'connection'>): string {
  return `connectwise-key-rotation:${cwCustomerSlug(input.customer.name)}:${input.connection.publicKey}`;
}

/** The schema's defaults, for a workflow started around the door: see src/rules/fill-defaults.ts. */
export const fillCwKeyRotationDefaults = object({
  vendor: object({ name: value('Sophos Central') }, 'fill'),
  connection: object({ site: mapped((s) => stripSiteUrl(s.trim().toLowerCase())) }),
  timing: object({ reminderMinutes: value(60), recheckSeconds: value(300), operatorDeadlineHours: value(72) }, 'fill'),
});

/**
 * The provideNewKey Update's validator, without zod: the door parses the key with newKeySchema first;
 * this is the workflow's own guard for an Update sent around it. Above all it refuses a pasted private
 * key, so the key never enters history.
 */
export function newKeyProblems(value: unknown): string[] {
  const { fields: key, problems } = fieldsOf(
    value,
    ['publicKey', 'privateKeyRef'],
    'an object with publicKey and privateKeyRef'
  );
  if (!key) return problems;
  const { publicKey, privateKeyRef } = key;
  if (typeof publicKey !== 'string' || !CW_KEY_PATTERN.test(publicKey.trim()))
    problems.push(
      'publicKey: must be the 16-character Public Key shown under System > Members > API Members > API Keys'
    );
  if (typeof privateKeyRef !== 'string') problems.push(`privateKeyRef: ${PRIVATE_KEY_NOT_A_REF}`);
  else if (CW_KEY_PATTERN.test(privateKeyRef.trim())) problems.push(`privateKeyRef: ${PRIVATE_KEY_PASTED}`);
  else if (!SECRET_REF_PATTERN.test(privateKeyRef.trim())) problems.push(`privateKeyRef: ${PRIVATE_KEY_NOT_A_REF}`);
  return problems;
}

/** The key as the schema normalises it (trimmed). */
export function normaliseNewKey(key: { publicKey: string; privateKeyRef: string }): {
  publicKey: string;
  privateKeyRef: string;
} {
  return { publicKey: key.publicKey.trim(), privateKeyRef: key.privateKeyRef.trim() };
}
