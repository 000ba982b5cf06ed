import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath, isSecbotError, parseOptions, type SecbotError, secretList } from '../src/index.js';

function configError(run: () => unknown): SecbotError {
  try {
    run();
  } catch (error) {
    if (isSecbotError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

const schema = z
  .object({
    issuer: z.url(),
    algorithms: z.array(z.enum(['ES256', 'RS256'])).min(1),
    ldap: z.object({
      url: z.string().startsWith('ldaps://'),
      timeoutMs: z.number().int().positive().default(5000),
    }),
  })
  .strict();

describe('parseOptions', () => {
  it('returns parsed options with defaults applied', () => {
    const options = parseOptions(
      schema,
      { issuer: 'https://id.example.com', algorithms: ['ES256'], ldap: { url: 'ldaps://dir' } },
      'test',
    );
    expect(options.ldap.timeoutMs).toBe(5000);
  });

  it('names every offending path, nested and in arrays, and the factory', () => {
    const error = configError(() =>
      parseOptions(
        schema,
        { issuer: 'not a url', algorithms: ['ES256', 'none'], ldap: { url: 'ldap://dir' } },
        'jwtProvider',
      ),
    );
    expect(error.message).toMatch(/^jwtProvider: invalid options: /);
    expect(error.issues?.map((issue) => issue.path)).toEqual(['issuer', 'algorithms[1]', 'ldap.url']);
    expect(error.message).toContain('algorithms[1]');
    expect(error.message).toContain('ldap.url');
    expect(error.status).toBe(500);
  });

  it('names unknown options of a strict schema', () => {
    const error = configError(() =>
      parseOptions(
        schema,
        { issuer: 'https://x', algorithms: ['ES256'], ldap: { url: 'ldaps://x' }, algorithm: 'HS256' },
        'jwtProvider',
      ),
    );
    expect(error.message).toContain('algorithm');
  });

  it('reports a missing options object', () => {
    const error = configError(() => parseOptions(schema, undefined, 'jwtProvider'));
    expect(error.issues?.[0]?.path).toBe('');
    expect(error.message).toContain('(options)');
  });

  it('never quotes the offending value, so a misplaced secret stays out of logs', () => {
    const secret = 'sk_live_51HvY3bQ9xSECRETVALUE';
    const error = configError(() =>
      parseOptions(
        schema,
        { issuer: secret, algorithms: [secret], ldap: { url: secret, timeoutMs: secret } },
        'x',
      ),
    );
    expect(JSON.stringify(error)).not.toContain('SECRETVALUE');
    expect(error.message).not.toContain('SECRETVALUE');
  });
});

describe('formatPath', () => {
  it('formats object keys and array indices', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['roles', 'admin', 'allow', 2])).toBe('roles.admin.allow[2]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });

  it('with maskKeys, never writes a key that may be a secret: URLs, tokens and long keys become [key]', () => {
    const masked = (path: PropertyKey[]) => formatPath(path, { maskKeys: true });
    expect(masked(['receivers', 'https://hooks.slack.com/services/T0/B0/XXXX', 0])).toBe(
      'receivers.[key][0]',
    );
    expect(masked(['labels', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'])).toBe('labels.[key]');
    expect(masked(['a'.repeat(49)])).toBe('[key]');
    expect(masked([Symbol('s')])).toBe('[key]');
    expect(masked(['rateLimits', 'pager-duty_1'])).toBe('rateLimits.pager-duty_1');
    expect(formatPath(['roles', 'bad role'])).toBe('roles.bad role'); // names a user must see
  });

  it('parseOptions masks record keys in paths', () => {
    const schema = z.object({ receivers: z.record(z.string(), z.array(z.number())) });
    expect(() =>
      parseOptions(schema, { receivers: { 'https://x.example/T/secret': ['no'] } }, 'thing'),
    ).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'receivers.[key][0]' })] }));
  });

  it('names unknown options without echoing keys that may be secrets', () => {
    const schema = z.strictObject({ a: z.number().optional() });
    const error = (() => {
      try {
        parseOptions(schema, { b: 1, 'postgres://user:hunter2@db': 2 }, 'thing');
      } catch (caught) {
        return caught as SecbotError;
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('unknown options: b, [key]');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('secretList', () => {
  const options = z.object({ secret: secretList({ minBytes: 32 }) });
  const a = 'a'.repeat(32);
  const b = new Uint8Array(40).fill(7);

  it('accepts one secret or a list, as text or bytes, and yields a frozen list of bytes, newest first', () => {
    expect(parseOptions(options, { secret: a }, 't').secret).toEqual([new TextEncoder().encode(a)]);
    const list = parseOptions(options, { secret: [b, a] }, 't').secret;
    expect(list).toHaveLength(2);
    expect(list[0]).toEqual(b);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('copies byte secrets, so the caller zeroing its buffer does not change the parsed one', () => {
    const source = new Uint8Array(32).fill(9);
    const [parsed] = parseOptions(options, { secret: source }, 't').secret;
    source.fill(0);
    expect(parsed?.[0]).toBe(9);
  });

  it('refuses short secrets by position, an empty list and other types, without quoting them', () => {
    const short = configError(() => parseOptions(options, { secret: [a, 'short-secret-value'] }, 't'));
    expect(short.issues?.[0]?.path).toBe('secret[1]');
    expect(short.message).toContain('at least 32 bytes');
    expect(short.message).not.toContain('short-secret-value');
    expect(configError(() => parseOptions(options, { secret: [] }, 't')).message).toContain(
      'at least one secret',
    );
    expect(configError(() => parseOptions(options, { secret: 42 }, 't')).issues?.[0]?.path).toBe('secret[0]');
  });

  it('counts bytes, not characters', () => {
    // 11 three-byte characters = 33 bytes
    expect(parseOptions(options, { secret: '€'.repeat(11) }, 't').secret[0]?.byteLength).toBe(33);
    expect(() => parseOptions(options, { secret: 'é'.repeat(15) }, 't')).toThrow(/at least 32 bytes/);
  });
});
