/**
 * Compile-time check that a const list of the rules names every member of a union of the contract, so a
 * member added to the contract fails typecheck until the list has it:
 * `export type XCoversContract = Covers<NamesEvery<X, typeof X_LIST>>;`
 */
export type NamesEvery<U, L extends readonly unknown[]> = [U] extends [L[number]] ? true : false;
/** Fails typecheck unless T is `true`. */
export type Covers<T extends true> = T;
