/**
 * Canary secrets the tests own: every secret value a test fixture generates and plants (a service-account key
 * file, an Autotask API user's secret, the webhook signing master key and the webhook secrets the simulator
 * was given, a ConnectWise private key, a value put into the secret store) is recorded here, by the test, at
 * the moment it is made. The canary tests search for exactly these values: never for the product's own list
 * of registered secrets (src/secrets/scrub.ts), so a secret the product resolves without registering is still
 * searched for, and a leak the scrubber misses is still found.
 */
const planted = new Map<string, string>();
let n = 0;

/** Record `value` (and each distinctive line of a multi-line one: a partial echo counts too); returns it. */
export function plantCanary(what: string, value: string): string {
  const v = value.trim();
  // A short value (a test's deliberately wrong input) is no canary: it could match ordinary text.
  if (v.length < 12) return value;
  const name = `${what} #${++n}`;
  planted.set(name, v);
  for (const line of v.split(/\\n|\n/)) {
    const l = line.trim();
    if (l.length >= 24 && l !== v && !/^-----|^[{}"]/.test(l)) planted.set(`${name}, line ${l.slice(0, 6)}…`, l);
  }
  return value;
}

/** Every canary planted in this process so far, by a readable name (never the value). */
export function plantedCanaries(): ReadonlyMap<string, string> {
  return new Map(planted);
}

/** The planted canaries found in any of `strings` (their names). */
export function canariesIn(strings: readonly string[], canaries = plantedCanaries()): string[] {
  const found: string[] = [];
  for (const [name, value] of canaries) if (strings.some((s) => s.includes(value))) found.push(name);
  return found;
}
