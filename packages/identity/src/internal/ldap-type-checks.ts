// Compile-time checks that a documented options interface and its zod schema agree.

/** `T` without `readonly` anywhere (zod's input types have mutable arrays). Functions and bytes as they are. */
export type DeepMutable<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends Uint8Array
    ? T
    : T extends readonly (infer U)[]
      ? DeepMutable<U>[]
      : T extends object
        ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
        : T;

/** Compiles only when `T` is assignable to `U`. */
export type Assignable<T extends U, U> = T;

/** Compiles only when `T` has no top-level key that `U` lacks (an option the schema would reject). */
export type SameKeys<T, U> = [Exclude<keyof T, keyof U>] extends [never]
  ? T
  : { readonly extraKeysNotInSchema: Exclude<keyof T, keyof U> };
