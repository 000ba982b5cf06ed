// Property tests: whatever string arrives as a bearer token, the provider answers with a coded
// SecbotError (or, for a mutation that decodes to the very same token, the same principal), never
// a crash, a hang or an echo of the token.
import { isSecbotError } from '@secbot/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasDuplicateMemberNames } from '../src/internal/json-duplicates.js';
import { type JwtProvider, jwtProvider } from '../src/jwt-provider.js';
import { AUDIENCE, claims, ISSUER, makeKey, signWith, T0 } from './jwt-helpers.js';

let provider: JwtProvider;
let valid: string;

beforeAll(async () => {
  const key = await makeKey('ES256', 'k1');
  provider = jwtProvider({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwks: { keys: [key.publicJwk] },
    rolesClaim: 'realm_access.roles',
    groupsClaim: 'groups',
    cache: { maxEntries: 16 },
    now: () => T0,
  });
  valid = await signWith(key, claims({ jti: 'j-1', realm_access: { roles: ['a'] }, groups: ['g'] }));
});

const refusalCodes = new Set(['AUTH_INVALID_TOKEN', 'AUTH_TOKEN_EXPIRED']);

async function outcome(token: string): Promise<'accepted' | string> {
  try {
    await provider.authenticate({ kind: 'bearer', token });
    return 'accepted';
  } catch (error) {
    if (!isSecbotError(error)) throw new Error(`not a SecbotError: ${String(error)}`);
    expect(refusalCodes.has(error.code)).toBe(true);
    if (token.length >= 12) expect(error.message).not.toContain(token);
    return error.code;
  }
}

const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/);
const decoded = (token: string) =>
  token.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));

describe('hostile bearer strings', () => {
  it('any string is refused with a token code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400, unit: 'binary' }), async (token) => {
        expect(await outcome(token)).not.toBe('accepted');
      }),
      { numRuns: 300 },
    );
  });

  it('any three base64url segments are refused', async () => {
    await fc.assert(
      fc.asyncProperty(b64url, b64url, b64url, async (h, p, s) => {
        expect(await outcome(`${h}.${p}.${s}`)).not.toBe('accepted');
      }),
      { numRuns: 300 },
    );
  });

  it('JSON-shaped headers and claims with random content are refused', async () => {
    const json = fc
      .jsonValue({ maxDepth: 3 })
      .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
    await fc.assert(
      fc.asyncProperty(json, json, async (h, p) => {
        expect(await outcome(`${h}.${p}.${valid.split('.')[2]}`)).not.toBe('accepted');
      }),
      { numRuns: 200 },
    );
  });

  it('a valid token with one character changed is refused, unless it decodes to the same bytes', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: valid.length - 1 }),
        fc.constantFrom(...alphabet),
        async (index, replacement) => {
          if (valid[index] === replacement) return;
          const mutated = `${valid.slice(0, index)}${replacement}${valid.slice(index + 1)}`;
          const result = await outcome(mutated);
          if (result === 'accepted') {
            expect(decoded(mutated)).toEqual(decoded(valid));
            expect(index).toBe(valid.length - 1); // only the padding bits of the last character
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('duplicate member detection', () => {
  it('finds none in anything JSON.stringify produces', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(hasDuplicateMemberNames(JSON.stringify(value))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a repeated name at any depth, escaped or not, and only where JSON.parse would merge it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        (object, depth, escaped) => {
          const [name] = Object.keys(object) as [string];
          const repeated = escaped
            ? `"${[...name].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
            : JSON.stringify(name);
          let text = `${JSON.stringify(object).slice(0, -1)},${repeated}:1}`;
          for (let level = 0; level < depth; level++) text = `{"wrap":[0,${text}]}`;
          expect(Object.keys(JSON.parse(text) as object).length).toBeGreaterThan(0); // still valid JSON
          expect(hasDuplicateMemberNames(text)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
