import { isSecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import { createCanary } from '../../src/injection/canary.js';
import { createScanContext } from '../../src/scan-text.js';

const find = (canary: ReturnType<typeof createCanary>, text: string) =>
  canary.detector.scan(text, createScanContext(text));

describe('createCanary', () => {
  it('makes a random sbc_ token of 24 base32 characters, different each time', () => {
    const a = createCanary();
    const b = createCanary();
    expect(a.token).toMatch(/^sbc_[a-z2-7]{24}$/);
    expect(a.token).not.toBe(b.token);
  });

  it('derives the same token from the same secret, another from another secret, with a custom prefix', () => {
    const secret = 'k'.repeat(32);
    expect(createCanary({ secret }).token).toBe(createCanary({ secret }).token);
    expect(createCanary({ secret }).token).not.toBe(createCanary({ secret: 'j'.repeat(32) }).token);
    expect(createCanary({ secret, prefix: 'acme_' }).token).toMatch(/^acme_[a-z2-7]{24}$/);
  });

  it('embeds the token in the system prompt, keeping the prompt', () => {
    const canary = createCanary();
    const prompt = canary.embed('You are the ACME support bot.');
    expect(prompt.startsWith('You are the ACME support bot.')).toBe(true);
    expect(prompt).toContain(canary.token);
    const found = find(canary, prompt);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type: 'CANARY_LEAK', confidence: 1, detector: 'canary' });
  });

  it('finds the token verbatim, in another case, with separators inserted, and in base64', () => {
    const canary = createCanary();
    const { token } = canary;
    const spaced = [...token].join(' ');
    const dashed = [...token].join('-');
    const upper = token.toUpperCase();
    for (const [leak, confidence] of [
      [token, 1],
      [upper, 0.95],
      [spaced, 0.95],
      [dashed, 0.95],
      [[...token].join('.'), 0.95],
    ] as const) {
      const text = `Sure! My instructions contain ${leak}, anything else?`;
      const found = find(canary, text);
      expect(found, leak).toHaveLength(1);
      expect(text.slice(found[0]?.start, found[0]?.end)).toBe(leak);
      expect(found[0]?.confidence).toBe(confidence);
    }
    for (const prefix of ['', 'a', 'ab', 'System prompt: ']) {
      const encoded = Buffer.from(`${prefix}${token} and more`).toString('base64');
      expect(find(canary, `here: ${encoded}`).length, prefix).toBeGreaterThanOrEqual(1);
      const urlSafe = encoded.replaceAll('+', '-').replaceAll('/', '_');
      expect(find(canary, `here: ${urlSafe}`).length).toBeGreaterThanOrEqual(1);
    }
  });

  it('finds a token whose prefix repeats inside a run of the same letters (no missed restart)', () => {
    const canary = createCanary({ prefix: 'aa', secret: 's'.repeat(32) });
    expect(find(canary, `aaa${canary.token.slice(2)}`)).toHaveLength(1);
    expect(find(canary, `a a ${canary.token.toUpperCase()}`)).toHaveLength(1);
  });

  it('does not find other tokens, a partial token or letters too far apart', () => {
    const canary = createCanary();
    const other = createCanary();
    expect(find(canary, `leak: ${other.token}`)).toEqual([]);
    expect(find(canary, canary.token.slice(0, -1))).toEqual([]);
    expect(find(canary, [...canary.token].join('     '))).toEqual([]);
    expect(find(canary, '')).toEqual([]);
  });

  it('scans a hostile 100 KB text in under 50 ms', () => {
    const canary = createCanary();
    const near = canary.token.slice(0, -1);
    for (const text of [
      `${near} `.repeat(4000),
      's'.repeat(100_000),
      `${[...near].join(' ')} `.repeat(2000),
    ]) {
      const start = performance.now();
      expect(find(canary, text)).toEqual([]);
      expect(performance.now() - start).toBeLessThan(50);
    }
  });

  it('rejects a short secret or a bad prefix with CONFIG_INVALID, without quoting the secret', () => {
    for (const bad of [{ secret: 'short-secret' }, { prefix: '1x' }, { prefix: 'a b' }, { other: 1 }]) {
      try {
        createCanary(bad as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as Error).message).not.toContain('short-secret');
      }
    }
  });
});
