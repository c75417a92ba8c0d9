import { join } from 'node:path';
import { loadKeyRing, parseKeySpec, sandboxKeyFile } from '../codec/key-ring';
import { processEnv, type OnrampConfig } from '../config';
import type { ChecklistKeys } from './checklist-links';

export const SANDBOX_CHECKLIST_KEY_ID = 'sandbox-checklist';

/**
 * The keys that sign and verify checklist links: `ONRAMP_CHECKLIST_KEYS` (`id=env:NAME,id=file:/path`,
 * newest first, 32 random bytes in base64 each, like `ONRAMP_CODEC_KEYS`: references only, the values are
 * registered with the log scrubber). In the sandbox without it: a key generated once beside the sandbox
 * state (mode 0600), so links printed by an earlier `npm start` keep working. Live mode requires the variable.
 */
export async function checklistKeysFromConfig(
  config: Pick<OnrampConfig, 'mode' | 'dataDir' | 'checklist'>,
  env: NodeJS.ProcessEnv = processEnv()
): Promise<ChecklistKeys> {
  if (config.checklist.keys) return loadKeyRing(parseKeySpec(config.checklist.keys, 'ONRAMP_CHECKLIST_KEYS'), env);
  if (config.mode === 'sandbox') return sandboxChecklistKeys(join(config.dataDir, 'sandbox'));
  throw new Error(
    'ONRAMP_CHECKLIST_KEYS: required in live mode: list the checklist link signing keys as id=env:NAME or id=file:/path, newest first (each: openssl rand -base64 32)'
  );
}

function sandboxChecklistKeys(sandboxDir: string): ChecklistKeys {
  return sandboxKeyFile(sandboxDir, 'checklist-key', SANDBOX_CHECKLIST_KEY_ID);
}
