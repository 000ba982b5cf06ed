import { SecbotError } from '@secbot/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, defaultRedactKeys, redactMarkers } from '../src/redact.js';

const redact = createRedactor();
const json = (value: unknown): string => JSON.stringify(redact(value));

// Each secret carries a marker that must never appear in the output.
const secrets = {
  bearer: 'Bearer SECRETMARKERbearer0123456789',
  basic: 'Basic U0VDUkVUTUFSS0VSYmFzaWM6cHc=',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVRNQVJLRVJqd3QifQ.SECRETMARKERjwtsig_abc',
  pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowSECRETMARKERpem\nAAAA\n-----END RSA PRIVATE KEY-----',
  stripe: 'sk_live_SECRETMARKERstripe01234',
  slack: 'xoxb-1234-SECRETMARKERslack',
  github: 'ghp_SECRETMARKERgithub0123456789abcdefgh',
  gitlab: 'glpat-SECRETMARKERgitlab12345',
  aws: 'AKIASECRETMARKERAWS1',
  openai: 'sk-proj-SECRETMARKERopenai0123456789',
  url: 'postgres://admin:SECRETMARKERurlpw@db.internal:5432/app',
  query: 'https://api.example.com/cb?access_token=SECRETMARKERquery&state=1',
  jsonText: '{"user":"bob","password":"SECRETMARKERjsontext"}',
} as const;

describe('createRedactor: secret values inside strings', () => {
  for (const [name, secret] of Object.entries(secrets)) {
    it(`removes a ${name} credential at any depth, in values and in key names`, () => {
      const event = {
        note: `before ${secret} after`,
        details: { deep: [{ deeper: { text: `x ${secret}` } }], [`k ${secret}`]: 1 },
      };
      const out = json(event);
      expect(out).not.toContain('SECRETMARKER');
      expect(out).toContain('[REDACTED]');
      expect(out).toContain('before ');
    });
  }

  it('keeps the authorization scheme and the url around a credential', () => {
    const out = redact({ a: 'auth: Bearer abcdefghijklmnop', u: 'https://u:pw@host.example/x' });
    expect(out).toEqual({ a: 'auth: Bearer [REDACTED]', u: 'https://[REDACTED]@host.example/x' });
  });

  it('redacts a PEM block that was cut before its END line', () => {
    const out = json({ key: '-----BEGIN PRIVATE KEY-----\nMIIEvSECRETMARKER' });
    expect(out).not.toContain('SECRETMARKER');
  });

  it('leaves ordinary text alone', () => {
    const event = {
      action: 'transcripts:read',
      note: 'Bearer of bad news; a basic plan',
      maxTokens: 512,
      tokenCount: 3,
    };
    expect(redact(event)).toEqual(event);
  });
});

describe('createRedactor: secret keys', () => {
  it('redacts every default key name, case- and separator-insensitively, at depth', () => {
    for (const key of defaultRedactKeys) {
      const variants = [key, key.toUpperCase(), key.replace(/[-_]/g, ''), key.replace(/_/g, '-')];
      for (const variant of variants) {
        const out = json({
          a: { b: [{ [variant]: 'SECRETMARKER' }] },
          [variant]: { nested: 'SECRETMARKER' },
        });
        expect(out, variant).not.toContain('SECRETMARKER');
      }
    }
  });

  it('redacts infix and suffix names and whole values of any type', () => {
    const out = json({
      dbPassword: 'SECRETMARKER1',
      stripeSecretKey: 'SECRETMARKER2',
      githubToken: 'SECRETMARKER3',
      'Set-Cookie': ['SECRETMARKER4', 'SECRETMARKER5'],
      credentials: { user: 'SECRETMARKER6', pass: 'SECRETMARKER7' },
      pin: 1234,
    });
    expect(out).not.toContain('SECRETMARKER');
    expect(out).not.toContain('1234');
  });

  it('adds caller keys and can switch the defaults off', () => {
    expect(createRedactor({ keys: ['X-Tenant-Secret-Ref'] })({ x_tenant_secret_ref: 'v' })).toEqual({
      x_tenant_secret_ref: '[REDACTED]',
    });
    const bare = createRedactor({ defaults: false, keys: ['mine'] });
    expect(bare({ password: 'p', mine: 'm', t: 'Bearer abcdefghijkl' })).toEqual({
      password: 'p',
      mine: '[REDACTED]',
      t: 'Bearer abcdefghijkl',
    });
  });

  it('uses the replacement text literally, even with $ signs', () => {
    const r = createRedactor({ replacement: '$1$&**' });
    expect(r({ password: 'x', t: 'Bearer abcdefghijkl' })).toEqual({
      password: '$1$&**',
      t: 'Bearer $1$&**',
    });
  });
});

describe('createRedactor: caller patterns and extra', () => {
  it('applies caller patterns and the extra hook to values and keys', () => {
    const r = createRedactor({
      patterns: [/EMP-\d{6}/],
      extra: (text) => text.replace(/[a-z]+@example\.com/g, '<email>'),
    });
    expect(r({ id: 'EMP-123456', 'bob@example.com': 'mail bob@example.com' })).toEqual({
      id: '[REDACTED]',
      '<email>': 'mail <email>',
    });
  });

  it('fails closed when extra throws or returns a non-string', () => {
    const throwing = createRedactor({
      extra: () => {
        throw new Error('boom');
      },
    });
    expect(throwing({ a: 'SECRETMARKER' })).toEqual({ '[REDACTED]': '[REDACTED]' });
    const wrong = createRedactor({ extra: (() => 42) as unknown as (s: string) => string });
    expect(json({})).toBe('{}');
    expect(wrong({ a: 'x' })).toEqual({ '[REDACTED]': '[REDACTED]' });
  });

  it('refuses patterns that can backtrack catastrophically, and other bad options', () => {
    for (const bad of [/(a+)+$/, /(?:\w+\s?)*x/, /(a)\1/, /(x{2,})*/]) {
      expect(() => createRedactor({ patterns: [bad] })).toThrow(SecbotError);
    }
    expect(() => createRedactor({ patterns: [/(ab)+|c{2,}/] })).not.toThrow();
    try {
      createRedactor({ maxDepth: 0, keys: [''] } as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SecbotError);
      expect((error as SecbotError).code).toBe('CONFIG_INVALID');
      expect((error as SecbotError).message).toContain('maxDepth');
      expect((error as SecbotError).message).toContain('keys[0]');
    }
    expect(() => createRedactor({ unknown: 1 } as never)).toThrow(/unknown/i);
  });
});

describe('createRedactor: copies, never mutates', () => {
  it('returns a deep copy and leaves the input intact', () => {
    const input = { password: 'p', nested: { note: 'Bearer abcdefghijklmnop', list: [1, 'two'] } };
    const before = structuredClone(input);
    const out = redact(input);
    expect(input).toEqual(before);
    expect(out.nested).not.toBe(input.nested);
    expect(out.nested.list).not.toBe(input.nested.list);
  });

  it('writes JSON-shaped values for dates, bigints, maps, sets, binary, errors and undefined', () => {
    const out = redact({
      at: new Date(0),
      big: 10n,
      map: new Map<unknown, unknown>([
        ['token', 'SECRETMARKER'],
        [1, 'one'],
      ]),
      set: new Set(['a']),
      bytes: new Uint8Array(4),
      error: Object.assign(new Error('failed with Bearer abcdefghijklmnop'), { code: 'E1' }),
      gone: undefined,
      fn: () => 1,
      list: [undefined, Symbol('s')],
    } as Record<string, unknown>);
    expect(out).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      big: '10',
      map: { token: '[REDACTED]', 1: 'one' },
      set: ['a'],
      bytes: '[Binary: 4 bytes]',
      error: { name: 'Error', message: 'failed with Bearer [REDACTED]', code: 'E1' },
      list: [null, null],
    });
  });

  it('does not let a __proto__ key change the prototype of the copy', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const out = redact(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toContain('__proto__');
  });
});

describe('createRedactor: hostile shapes are bounded, never crash', () => {
  it('marks cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.list = [a, { back: a }];
    expect(redact(a)).toEqual({
      name: 'a',
      self: redactMarkers.circular,
      list: [redactMarkers.circular, { back: redactMarkers.circular }],
    });
  });

  it('keeps a shared (non-cyclic) object twice', () => {
    const shared = { v: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it('caps depth', () => {
    let deep: Record<string, unknown> = { leaf: 'SECRETMARKER' };
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const out = json(deep);
    expect(out).toContain(redactMarkers.depth);
    expect(out).not.toContain('SECRETMARKER');
  });

  it('caps nodes, string length and total text', () => {
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const outWide = redact(wide) as Record<string, unknown>;
    expect(Object.keys(outWide).length).toBe(10_001);
    expect(outWide[redactMarkers.budget]).toBe('40000 more keys');

    const sparse: unknown[] = [];
    sparse.length = 2 ** 31;
    const started = performance.now();
    const outSparse = redact(sparse) as unknown[];
    expect(performance.now() - started).toBeLessThan(500);
    expect(outSparse.length).toBe(10_001);

    const long = redact({ s: 'x'.repeat(100_000) }) as { s: string };
    expect(long.s.length).toBeLessThan(17_000);
    expect(long.s).toContain('[Truncated: 83616 chars]');

    const many = redact(Array.from({ length: 200 }, () => 'y'.repeat(16_000))) as string[];
    expect(many.at(-1)).toBe(redactMarkers.budget);
  });

  it('survives throwing getters, proxies and toJSON', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('SECRETMARKER');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const toJson = {
      toJSON() {
        throw new Error('x');
      },
    };
    const out = redact({ getter, proxy, toJson, fine: 'yes' });
    expect(out).toEqual({
      getter: redactMarkers.unreadable,
      proxy: redactMarkers.unreadable,
      toJson: redactMarkers.unreadable,
      fine: 'yes',
    });
  });

  it('redacts top-level primitives too', () => {
    expect(redact('Bearer abcdefghijklmnop')).toBe('Bearer [REDACTED]');
    expect(redact(5)).toBe(5);
    expect(redact(null)).toBe(null);
  });
});

describe('createRedactor: patterns stay linear on adversarial 100 KB strings', () => {
  const wide = createRedactor({ maxStringLength: 200_000 });
  const n = 100_000;
  const adversarial: Record<string, string> = {
    'eyJ runs': 'eyJ'.repeat(n / 3),
    'eyJ segments': 'eyJaaaa.'.repeat(n / 8),
    'jwt dots': `eyJ${'a.'.repeat(n / 2)}`,
    'bearer spaces': `Bearer${' '.repeat(n)}`,
    'bearer repeats': 'Bearer '.repeat(n / 7),
    'basic short': 'Basic abc '.repeat(n / 10),
    'pem headers': '-----BEGIN RSA PRIVATE KEY-----'.repeat(n / 31),
    'pem no end': `-----BEGIN PRIVATE KEY-----${'A'.repeat(n)}`,
    'pem dashes': `-----BEGIN PRIVATE KEY-----${'-----END'.repeat(n / 8)}`,
    'url colons': '://a:'.repeat(n / 5),
    'url long': `://${'a'.repeat(n / 2)}:${'b'.repeat(n / 2)}`,
    assignments: 'password='.repeat(n / 9),
    'json members': `"password":"${'\\'.repeat(n)}`,
    'json members 2': '"token": "'.repeat(n / 10),
    stripe: 'sk_live_'.repeat(n / 8),
    slack: 'xoxb-'.repeat(n / 5),
    github: 'ghp_'.repeat(n / 4),
    aws: 'AKIA'.repeat(n / 4),
    'sk dash': 'sk-'.repeat(n / 3),
    google: 'AIza'.repeat(n / 4),
    alnum: 'a'.repeat(n),
    mixed: 'Bearer eyJ sk_live_ ://x:y ghp_ AKIA -----BEGIN '.repeat(n / 48),
  };
  for (const [name, text] of Object.entries(adversarial)) {
    it(`${name} (${text.length} chars) under 50 ms`, () => {
      wide({ warm: text.slice(0, 1000) });
      const started = performance.now();
      wide({ s: text, [text.slice(0, 5000)]: 1 });
      expect(performance.now() - started).toBeLessThan(50);
    });
  }
});

describe('createRedactor: property', () => {
  it('never lets a planted secret through, whatever surrounds it', () => {
    const secretList = Object.values(secrets);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(...secretList),
        fc.string({ maxLength: 40 }),
        (before, secret, after) => {
          // A separator keeps the secret a token of its own, as it is in real text.
          const out = json({ v: `${before} ${secret} ${after}` });
          return !out.includes('SECRETMARKER') || `${before}${after}`.includes('SECRETMARKER');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => JSON.stringify(redact(value))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
