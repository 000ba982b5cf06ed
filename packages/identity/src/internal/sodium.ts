import type sodiumType from 'libsodium-wrappers-sumo';

// The sumo build is the one that has crypto_pwhash (Argon2id); the standard libsodium-wrappers build
// lacks it at run time. It is a ~1 MB WebAssembly module, so it is imported on first use only: an
// application that hashes with scrypt, or only uses JWT, never loads it.
type Sodium = typeof sodiumType;

let loading: Promise<Sodium> | undefined;

/** Load libsodium (sumo) once; later calls share the same promise. A failed load is retried next time. */
export function loadSodiumSumo(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers-sumo').then(
    async (module) => {
      const sodium = ((module as unknown as { default?: Sodium }).default ?? module) as Sodium;
      await sodium.ready;
      return sodium;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
