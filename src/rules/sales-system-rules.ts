/**
 * Pure rules for the Salesforce and ConnectWise Manage sales receivers and readers (zod-free: the workflows
 * and the door share them).
 */

/**
 * A Salesforce record ID: 15 case-sensitive characters, or 18 with the case-insensitive checksum suffix
 * Salesforce adds (https://help.salesforce.com/s/articleView?id=000385585&type=1: "What are Salesforce
 * IDs composed of?").
 */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix of a 15-character ID: one character per 5-character chunk, bit i set when char i is A-Z. */
export function salesforceIdSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX_ALPHABET[bits];
  }
  return out;
}

/** The 18-character form of a valid 15- or 18-character ID; undefined when it is not one (bad length or checksum). */
export function salesforceId18(id: string): string | undefined {
  if (!SALESFORCE_ID.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const full = id15 + salesforceIdSuffix(id15);
  if (id.length === 18 && id.slice(15).toUpperCase() !== full.slice(15)) return undefined;
  return full;
}

/** Two IDs name the same record (15 vs 18 characters, suffix case aside). */
export function sameSalesforceId(a: string, b: string): boolean {
  const x = salesforceId18(a);
  return x !== undefined && x === salesforceId18(b);
}

/** Organization IDs have the key prefix 00D. */
export const SALESFORCE_ORG_PREFIX = '00D';
