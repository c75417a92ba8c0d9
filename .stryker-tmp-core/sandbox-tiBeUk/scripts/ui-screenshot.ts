/**
 * Screenshot a page of the running sandbox's Web UI once `marker` text is on it (headless Debian chromium):
 *   tsx scripts/ui-screenshot.ts <url> <marker> <out.png>
 * e.g. the workflow list filtered by Onramp's search attributes.
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPage } from './browser-check';

async function main(): Promise<number> {
  const [url, marker, out] = process.argv.slice(2);
  if (!url || !marker || !out) {
    process.stderr.write('usage: tsx scripts/ui-screenshot.ts <url> <marker> <out.png>\n');
    return 2;
  }
  const profile = mkdtempSync(join(tmpdir(), 'onramp-chromium-'));
  try {
    const r = await checkPage(process.env.CHROMIUM ?? 'chromium', profile, url, marker, out);
    process.stdout.write(`${r.found ? 'marker FOUND' : 'marker NOT found'}; screenshot ${out}\n`);
    return r.found ? 0 : 1;
  } finally {
    // Chromium may still be writing its profile as it exits: retry the removal.
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

void main().then((code) => process.exit(code));
