/**
 * Every workflow patch ID, with the date it was introduced. Empty at the first release baseline: the
 * patches written before any deployment were collapsed and their histories re-recorded.
 *
 * Policy (docs/testing.md, "Versioning workflows"):
 * 1. A change that alters the commands a running workflow would replay adds an entry here and branches on
 *    `patched(Patch.x)`; never an inline string.
 * 2. Once every worker runs the new code, the branch becomes `deprecatePatch(Patch.x)`.
 * 3. Once no history older than the namespace's retention window can be open, the entry and the call go.
 * Each entry has a recorded history in test/histories/ and a replay test that exercises its branch.
 */
export const Patch = {} as const satisfies Record<string, { id: string; since: string }>;

export type PatchName = keyof typeof Patch;
