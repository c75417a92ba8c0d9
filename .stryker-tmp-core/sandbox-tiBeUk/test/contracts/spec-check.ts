/**
 * Compile-time contract checks: a runtime schema (zod) or a simulator type must only use fields the
 * vendor's spec has, with compatible types. `Conforms<Sim, Spec>` is `true`, or an object naming the
 * offending keys (which `AllTrue` then rejects with that name in the compiler's message).
 */
// @ts-nocheck

export type ExtraKeys<Sim, Spec> = Exclude<keyof Sim, keyof Spec>;
export type Conforms<Sim, Spec> = [ExtraKeys<Sim, Spec>] extends [never]
  ? Sim extends Partial<Spec>
    ? true
    : { typesDiffer: { [K in keyof Sim & keyof Spec]: Sim[K] extends Spec[K] ? never : K }[keyof Sim & keyof Spec] }
  : { notInSpec: ExtraKeys<Sim, Spec> };

/** Compiles only when every element is `true`. */
export type AllTrue<T extends true[]> = T;
