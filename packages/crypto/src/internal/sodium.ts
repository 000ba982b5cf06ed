import type sodiumType from 'libsodium-wrappers';

// libsodium-wrappers initialises a WebAssembly module asynchronously. It is loaded on first use
// (or by ready()); after that every call is synchronous.
type Sodium = typeof sodiumType;

let loaded: Sodium | undefined;
let loading: Promise<Sodium> | undefined;

export function sodiumIfLoaded(): Sodium | undefined {
  return loaded;
}

export function loadSodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers').then(async (module) => {
    const sodium = ((module as unknown as { default?: Sodium }).default ?? module) as Sodium;
    await sodium.ready;
    loaded = sodium;
    return sodium;
  });
  return loading;
}
