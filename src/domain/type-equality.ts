/**
 * Compile-time checks that a live schema still gives a frozen message of src/contract. `Same` is stricter
 * than assignability both ways: an added optional field or a widened one counts as a difference.
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails typecheck unless T is `true`. */
export type Assert<T extends true> = T;
/**
 * Looser than `Same`: A and B are assignable to each other (an added optional field passes). For shapes whose
 * zod types `Same` cannot compare exactly (intersections, defaults); prefer `Same`.
 */
export type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
