import { readFileSync } from 'node:fs';
import { parseVendorProfiles, VendorProfileError, type VendorProfilesFile } from '../domain/vendor-profile-schema';

/**
 * Load the vendor profile file (ONRAMP_VENDOR_PROFILES) the worker and the clients share. Read once at start:
 * a bad file stops the process with its line numbers instead of failing orders one by one later.
 */
export function loadVendorProfiles(path: string): VendorProfilesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VendorProfileError(path, [
      `cannot read the vendor profile file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): set ONRAMP_VENDOR_PROFILES to a readable YAML or JSON file`,
    ]);
  }
  return parseVendorProfiles(text, path);
}
