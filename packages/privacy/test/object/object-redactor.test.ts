import { isSecbotError, type SecbotError } from '@secbot/core';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/finding.js';
import { compileObjectRedactor } from '../../src/object/object-redactor.js';
import { hashOperator } from '../../src/operators/hash-operator.js';
import { maskOperator } from '../../src/operators/mask-operator.js';

const configError = (make: () => unknown): SecbotError => {
  try {
    make();
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
};

const emailFinder = (text: string): Finding[] =>
  [...text.matchAll(/[a-z0-9.]{1,64}@[a-z0-9.-]{1,128}/g)].map((m) => ({
    type: 'EMAIL',
    start: m.index,
    end: m.index + m[0].length,
    confidence: 1,
    detector: 'test',
  }));

describe('compileObjectRedactor: paths', () => {
  it('redacts dotted, bracketed, quoted, indexed and wildcard paths, leaving the rest', () => {
    const redact = compileObjectRedactor({
      paths: [
        'user.password',
        'headers["x-api-key"]',
        "a['b.c']",
        'cards[*].number',
        'list[1]',
        '*.token',
        'deep.*.secret',
      ],
    });
    const input = {
      user: { name: 'ann', password: 'pw' },
      headers: { 'x-api-key': 'k', accept: 'json' },
      a: { 'b.c': 1, b: { c: 2 } },
      cards: [{ number: '4111', brand: 'visa' }, { number: '5500' }],
      list: ['keep', 'drop', 'keep'],
      session: { token: 't1', id: 's' },
      other: { token: 't2' },
      token: 'top-level stays',
      deep: { x: { secret: 1, keep: 2 }, y: { secret: { nested: true } } },
    };
    expect(redact(input)).toEqual({
      user: { name: 'ann', password: '[REDACTED]' },
      headers: { 'x-api-key': '[REDACTED]', accept: 'json' },
      a: { 'b.c': '[REDACTED]', b: { c: 2 } },
      cards: [{ number: '[REDACTED]', brand: 'visa' }, { number: '[REDACTED]' }],
      list: ['keep', '[REDACTED]', 'keep'],
      session: { token: '[REDACTED]', id: 's' },
      other: { token: '[REDACTED]' },
      token: 'top-level stays',
      deep: { x: { secret: '[REDACTED]', keep: 2 }, y: { secret: '[REDACTED]' } },
    });
  });

  it('never mutates its input and copies arrays as arrays, dates as dates', () => {
    const redact = compileObjectRedactor({ paths: ['a.b'] });
    const at = new Date(0);
    const input = { a: { b: 'x', c: [1, { d: 2 }] }, at };
    const before = structuredClone(input);
    const out = redact(input);
    expect(input).toEqual(before);
    expect(out.a).not.toBe(input.a);
    expect(Array.isArray(out.a.c)).toBe(true);
    expect(out.at).toEqual(at);
    expect(out.at).not.toBe(at);
  });

  it('applies an operator to strings at paths and the censor to other values', () => {
    const hash = hashOperator({ secret: 'k'.repeat(32) });
    const redact = compileObjectRedactor({
      paths: ['*.email', 'card'],
      operator: hash,
      type: 'EMAIL',
      censor: '***',
    });
    const out = redact({
      a: { email: 'ann@x.test' },
      b: { email: { nested: 1 } },
      c: { email: 'ann@x.test' },
      card: 7,
    });
    expect(out.a.email).toMatch(/^<EMAIL:[0-9a-f]{12}>$/);
    expect(out.c.email).toBe(out.a.email);
    expect(out.b.email).toBe('***');
    expect(out.card).toBe('***');
    const masked = compileObjectRedactor({ paths: ['n'], operator: maskOperator() });
    expect(masked({ n: '4111111111111111' })).toEqual({ n: '************1111' });
  });

  it('passes value and path to a censor function, and fails closed when it throws', () => {
    const seen: unknown[] = [];
    const redact = compileObjectRedactor({
      paths: ['a[*].b'],
      censor: (value, path) => {
        seen.push([value, path]);
        if (value === 'boom') throw new Error('boom');
        return `<${path.join('/')}>`;
      },
    });
    expect(redact({ a: [{ b: 'x' }, { b: 'boom' }] })).toEqual({
      a: [{ b: '<a/0/b>' }, { b: '[REDACTED]' }],
    });
    expect(seen).toEqual([
      ['x', ['a', '0', 'b']],
      ['boom', ['a', '1', 'b']],
    ]);
  });
});

describe('compileObjectRedactor: scanning free text', () => {
  it('runs the scanner on strings at other paths, with the operator or [TYPE]', () => {
    const redact = compileObjectRedactor({ paths: ['password'], scan: emailFinder });
    expect(redact({ password: 'pw', msg: 'mail ann@x.test now', n: 5, list: ['bob@y.test'] })).toEqual({
      password: '[REDACTED]',
      msg: 'mail [EMAIL] now',
      n: 5,
      list: ['[EMAIL]'],
    });
    const masked = compileObjectRedactor({ paths: [], scan: emailFinder, operator: maskOperator() });
    expect(masked({ msg: 'ann@x.test' })).toEqual({ msg: '******test' });
  });

  it('censors a string whose scan throws or returns bad spans', () => {
    const throwing = compileObjectRedactor({
      paths: [],
      scan: () => {
        throw new Error('detector broke');
      },
    });
    expect(throwing({ msg: 'ann@x.test' })).toEqual({ msg: '[REDACTED]' });
    const badSpans = compileObjectRedactor({
      paths: [],
      scan: () => [{ type: 'X', start: 0, end: 999, confidence: 1, detector: 'd' }],
    });
    expect(badSpans({ msg: 'ann@x.test' })).toEqual({ msg: '[REDACTED]' });
  });
});

describe('compileObjectRedactor: hostile input', () => {
  it('marks cycles, keeps shared (non-cyclic) references, and bounds depth', () => {
    const redact = compileObjectRedactor({ paths: ['a.secret'], maxDepth: 4 });
    const cyclic: Record<string, unknown> = { a: { secret: 's' } };
    cyclic.self = cyclic;
    (cyclic.a as Record<string, unknown>).back = cyclic;
    const shared = { x: 1 };
    expect(redact({ ...cyclic, one: shared, two: shared })).toEqual({
      a: { secret: '[REDACTED]', back: { a: '[Circular]', self: '[Circular]' } },
      // Paths are anchored at the root: the same object reached as self.a is not at a.secret.
      self: { a: { secret: 's', back: '[Circular]' }, self: '[Circular]' },
      one: { x: 1 },
      two: { x: 1 },
    });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const out = compileObjectRedactor({ paths: [] })(deep) as Record<string, unknown>;
    expect(JSON.stringify(out)).toContain('[Truncated]');
  });

  it('drops __proto__ keys and never pollutes prototypes', () => {
    const redact = compileObjectRedactor({ paths: ['*.polluted'] });
    const input = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "a": {"__proto__": {"polluted": 1}, "b": 2}}',
    );
    const out = redact(input) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual(['a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.a).toEqual({ b: 2 });
  });

  it('censors a property whose getter throws and survives a hostile Proxy', () => {
    const redact = compileObjectRedactor({ paths: [] });
    const input = {
      ok: 1,
      get bad(): never {
        throw new Error('getter');
      },
    };
    expect(redact(input)).toEqual({ ok: 1, bad: '[REDACTED]' });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(redact({ p: proxy })).toEqual({ p: '[REDACTED]' });
  });

  it('refuses malformed paths and __proto__ at construction, naming the path', () => {
    for (const path of [
      '',
      'a..b',
      'a[',
      'a["x]',
      'a[x]',
      '__proto__.x',
      'a["__proto__"]',
      'a b',
      'a.',
      '.a',
    ]) {
      const error = configError(() => compileObjectRedactor({ paths: ['ok', path] }));
      expect(error.issues?.[0]?.path).toBe('paths[1]');
    }
    configError(() => compileObjectRedactor({ paths: ['a'], censor: 5 as never }));
    configError(() => compileObjectRedactor({ paths: ['a'], maxDepth: 0 }));
  });

  it('compiles a wide path set and redacts a 10,000-key object quickly', () => {
    const paths = Array.from({ length: 1000 }, (_, i) => `k${i}.secret`);
    const redact = compileObjectRedactor({ paths: [...paths, '*.x'] });
    const input = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`k${i}`, { secret: i, x: i, y: i }]),
    );
    const started = performance.now();
    const out = redact(input) as Record<string, Record<string, unknown>>;
    expect(performance.now() - started).toBeLessThan(200);
    expect(out.k5).toEqual({ secret: '[REDACTED]', x: '[REDACTED]', y: 5 });
    expect(out.k5000).toEqual({ secret: 5000, x: '[REDACTED]', y: 5000 });
  });
});
