import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxSalesSystems } from './sales-systems';

/**
 * What a running sandbox tells other local processes (the CLI's `sandbox` commands): where its
 * simulators listen and which vendor service account it minted. No secrets: the key stays in its file.
 */
export interface SandboxDescriptor {
  pid: number;
  temporalAddress: string;
  webUiUrl: string;
  googleUrl: string;
  notifyUrl: string;
  /** Mailpit's web UI and API (`/api/v1/messages`): every e-mail the sandbox sent; absent before issue 22. */
  mailUrl?: string;
  serviceAccount: { clientId: string; email: string; keyRef: string };
  propagationDelayMs: number;
  namespace: string;
  taskQueue: string;
  autotaskUrl: string;
  connectwiseUrl: string;
  /** Onramp's intake API for sales systems, and the reference of its sandbox bearer token. */
  intakeUrl: string;
  intakeTokenRef: string;
  /** Where the sandbox receives Autotask webhook callouts, and the master key their secrets derive from. */
  autotaskReceiverUrl: string;
  autotaskSigningKeyRef: string;
  /** Where sandbox guides store the credentials the simulated admins hand out (the worker reads file: refs). */
  secretsDir: string;
  /** The customer admin's checklist page service (links: `onramp checklist link`, or the e-mails). */
  checklistUrl?: string;
  /** The simulated sales systems (issue 26) and the sales mapping file npm start wrote for them. */
  sales?: SandboxSalesSystems;
  salesMappingFile?: string;
}

export function sandboxDir(dataDir: string): string {
  return join(dataDir, 'sandbox');
}

export function descriptorPath(dataDir: string): string {
  return join(sandboxDir(dataDir), 'sandbox.json');
}

export function readSandboxDescriptor(dataDir: string): SandboxDescriptor | undefined {
  const p = descriptorPath(dataDir);
  if (!existsSync(p)) return undefined;
  const d = JSON.parse(readFileSync(p, 'utf8')) as SandboxDescriptor;
  try {
    process.kill(d.pid, 0); // is the sandbox that wrote it still running?
    return d;
  } catch {
    return undefined;
  }
}
