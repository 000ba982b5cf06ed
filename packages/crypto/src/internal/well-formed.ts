// In a `u` regular expression a well-formed surrogate pair is one code point, so only an
// unpaired surrogate matches.
const unpairedSurrogate = /\p{Surrogate}/u;

/**
 * Whether `text` holds an unpaired surrogate. Such text is refused wherever it is hashed or
 * bound as AAD: UTF-8 encoding turns every unpaired surrogate into U+FFFD, so two different
 * strings would encode, hash and authenticate alike. (`String.prototype.isWellFormed` is not in
 * the ES2023 lib this package targets.)
 */
export function hasUnpairedSurrogate(text: string): boolean {
  return unpairedSurrogate.test(text);
}
