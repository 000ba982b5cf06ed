import { createMemoryStore, isSecbotError, type Principal, SecbotError } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { describe, expect, it } from 'vitest';
import { createSessions } from '../src/sessions.js';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecbotError) return error.code;
    throw error;
  }
  return 'resolved';
}

const minute = 60_000;
const hour = 60 * minute;

function setup(extra: { idleTimeoutMs?: number; absoluteTimeoutMs?: number; touchIntervalMs?: number } = {}) {
  const clock = createManualClock();
  const store = createMemoryStore({ now: clock.now });
  const sessions = createSessions({ store, now: clock.now, ...extra });
  const ana: Principal = {
    id: 'ana',
    roles: ['agent'],
    tenantId: 'acme',
    authMethod: 'password',
    authenticatedAt: clock.now(),
  };
  return { clock, store, sessions, ana };
}

describe('createSessions', () => {
  it('creates opaque 256-bit ids and verifies them to the principal', async () => {
    const { sessions, ana, clock } = setup();
    const { id, expiresAt } = await sessions.create(ana);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(clock.now() + 8 * hour);
    await expect(sessions.verify(id)).resolves.toEqual({ ...ana, expiresAt });
    const other = await sessions.create(ana);
    expect(other.id).not.toBe(id);
  });

  it('stores sessions under a hash of the id: a Store dump holds no live id', async () => {
    const clock = createManualClock();
    const written: string[] = [];
    const inner = createMemoryStore({ now: clock.now });
    const store = {
      ...inner,
      set: (key: string, value: string, options?: Parameters<typeof inner.set>[2]) => {
        written.push(key, value);
        return inner.set(key, value, options);
      },
      setAdd: (key: string, member: string, options?: Parameters<typeof inner.setAdd>[2]) => {
        written.push(key, member);
        return inner.setAdd(key, member, options);
      },
    };
    const sessions = createSessions({ store, now: clock.now });
    const { id } = await sessions.create({
      id: 'ana',
      roles: [],
      authMethod: 'password',
      authenticatedAt: 0,
    });
    clock.advance(1000);
    await sessions.verify(id);
    expect(written.length).toBeGreaterThan(0);
    expect(written.join('\n')).not.toContain(id);
  });

  it('refuses unknown and malformed ids with AUTH_SESSION_INVALID', async () => {
    const { sessions } = setup();
    for (const id of [
      '',
      'x',
      'A'.repeat(43),
      'A'.repeat(44),
      `${'A'.repeat(42)}\u0000`,
      42,
      null,
      undefined,
      {},
    ]) {
      expect(await code(sessions.verify(id as string))).toBe('AUTH_SESSION_INVALID');
    }
  });

  it('ends a session after the idle timeout, sliding with each use', async () => {
    const { sessions, ana, clock } = setup();
    const { id } = await sessions.create(ana);
    for (let i = 0; i < 5; i++) {
      clock.advance(14 * minute);
      await expect(sessions.verify(id)).resolves.toMatchObject({ id: 'ana' });
    }
    clock.advance(15 * minute);
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('ends a session at the absolute timeout however active', async () => {
    const { sessions, ana, clock } = setup({ idleTimeoutMs: 10 * minute, absoluteTimeoutMs: hour });
    const { id, expiresAt } = await sessions.create(ana);
    while (clock.now() + 9 * minute < expiresAt) {
      clock.advance(9 * minute);
      await sessions.verify(id);
    }
    clock.set(expiresAt);
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('ends a session when the principal itself expires, and reports the earlier end', async () => {
    const { sessions, ana, clock } = setup();
    const { id } = await sessions.create({ ...ana, expiresAt: clock.now() + 5 * minute });
    await expect(sessions.verify(id)).resolves.toMatchObject({ expiresAt: clock.now() + 5 * minute });
    clock.advance(5 * minute);
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('rotates: the new id works, the old one is dead, the absolute end is kept', async () => {
    const { sessions, ana, clock } = setup();
    const first = await sessions.create(ana);
    clock.advance(10 * minute);
    const second = await sessions.rotate(first.id, { ...ana, roles: ['agent', 'supervisor'] });
    expect(second.id).not.toBe(first.id);
    expect(second.expiresAt).toBe(first.expiresAt);
    expect(await code(sessions.verify(first.id))).toBe('AUTH_SESSION_INVALID');
    await expect(sessions.verify(second.id)).resolves.toMatchObject({ roles: ['agent', 'supervisor'] });
    expect(await code(sessions.rotate(first.id))).toBe('AUTH_SESSION_INVALID');
  });

  it('lets only one of two concurrent rotations succeed', async () => {
    const { sessions, ana } = setup();
    const { id } = await sessions.create(ana);
    const results = await Promise.allSettled([sessions.rotate(id), sessions.rotate(id), sessions.rotate(id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(isSecbotError(r.reason, 'AUTH_SESSION_INVALID')).toBe(true);
    }
  });

  it("revokes one session, leaving the user's others", async () => {
    const { sessions, ana } = setup();
    const a = await sessions.create(ana);
    const b = await sessions.create(ana);
    await expect(sessions.revoke(a.id)).resolves.toBe(true);
    await expect(sessions.revoke(a.id)).resolves.toBe(false);
    await expect(sessions.revoke('garbage')).resolves.toBe(false);
    expect(await code(sessions.verify(a.id))).toBe('AUTH_SESSION_INVALID');
    await expect(sessions.verify(b.id)).resolves.toMatchObject({ id: 'ana' });
  });

  it("revokeAll ends every session of one user and no one else's; new sign-ins work", async () => {
    const { sessions, ana } = setup();
    const bob: Principal = { ...ana, id: 'bob' };
    const a1 = await sessions.create(ana);
    const a2 = await sessions.create(ana);
    const b1 = await sessions.create(bob);
    await sessions.revokeAll('ana');
    expect(await code(sessions.verify(a1.id))).toBe('AUTH_SESSION_INVALID');
    expect(await code(sessions.verify(a2.id))).toBe('AUTH_SESSION_INVALID');
    expect(await code(sessions.rotate(a1.id))).toBe('AUTH_SESSION_INVALID');
    await expect(sessions.verify(b1.id)).resolves.toMatchObject({ id: 'bob' });
    const a3 = await sessions.create(ana);
    await expect(sessions.verify(a3.id)).resolves.toMatchObject({ id: 'ana' });
    expect(await code(sessions.verify(a1.id))).toBe('AUTH_SESSION_INVALID'); // still dead after a new sign-in
    expect(await code(sessions.revokeAll(''))).toBe('ARGUMENT_INVALID');
  });

  it('a verify racing with a revoke cannot resurrect the session', async () => {
    const { sessions, ana, clock } = setup();
    const { id } = await sessions.create(ana);
    clock.advance(1000); // so verify writes its refresh back
    await Promise.all([sessions.verify(id).catch(() => undefined), sessions.revoke(id)]);
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('step-up: AUTH_MFA_REQUIRED until elevated, and again once the elevation lapses', async () => {
    const { sessions, ana, clock } = setup();
    const { id } = await sessions.create(ana);
    expect(await code(sessions.requireStepUp(id))).toBe('AUTH_MFA_REQUIRED');
    await sessions.elevate(id, clock.now() + 5 * minute);
    await expect(sessions.requireStepUp(id)).resolves.toMatchObject({ id: 'ana' });
    await expect(sessions.inspect(id)).resolves.toMatchObject({ elevatedUntil: clock.now() + 5 * minute });
    // rotation after step-up keeps the elevation for the same user
    const rotated = await sessions.rotate(id);
    await expect(sessions.requireStepUp(rotated.id)).resolves.toMatchObject({ id: 'ana' });
    clock.advance(5 * minute);
    expect(await code(sessions.requireStepUp(rotated.id))).toBe('AUTH_MFA_REQUIRED');
    await expect(sessions.verify(rotated.id)).resolves.toMatchObject({ id: 'ana' });
    expect(await code(sessions.requireStepUp('nope'))).toBe('AUTH_SESSION_INVALID');
  });

  it('elevation is capped at the absolute end and never carried to another principal', async () => {
    const { sessions, ana, clock } = setup({ absoluteTimeoutMs: hour });
    const { id, expiresAt } = await sessions.create(ana);
    await sessions.elevate(id, clock.now() + 10 * hour);
    await expect(sessions.inspect(id)).resolves.toMatchObject({ elevatedUntil: expiresAt });
    const swapped = await sessions.rotate(id, { ...ana, id: 'someone-else' });
    expect(await code(sessions.requireStepUp(swapped.id))).toBe('AUTH_MFA_REQUIRED');
    expect(await code(sessions.elevate(swapped.id, clock.now()))).toBe('ARGUMENT_INVALID');
    expect(await code(sessions.elevate(swapped.id, Number.NaN))).toBe('ARGUMENT_INVALID');
  });

  it('inspect reports the timestamps', async () => {
    const { sessions, ana, clock } = setup();
    const start = clock.now();
    const { id } = await sessions.create(ana);
    clock.advance(minute);
    await expect(sessions.inspect(id)).resolves.toEqual({
      principal: { ...ana, expiresAt: start + 8 * hour },
      createdAt: start,
      idleExpiresAt: start + minute + 15 * minute,
      absoluteExpiresAt: start + 8 * hour,
    });
  });

  it('touchIntervalMs spares writes but still expires idle sessions', async () => {
    const { sessions, ana, clock } = setup({ touchIntervalMs: 5 * minute });
    const { id } = await sessions.create(ana);
    clock.advance(4 * minute);
    await sessions.verify(id); // no write: last refresh is less than 5 minutes old
    clock.advance(11 * minute);
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('refuses malformed principals and a tampered record', async () => {
    const { sessions, store, ana } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      { ...ana, attributes: { big: 10n } },
      { ...ana, attributes: cyclic },
      null,
      {},
      { ...ana, id: '' },
      { ...ana, roles: 'admin' },
      { ...ana, roles: ['bad role'] },
    ]) {
      expect(await code(sessions.create(bad as Principal))).toBe('ARGUMENT_INVALID');
    }
    const { id } = await sessions.create(ana);
    const { createHash } = await import('node:crypto');
    const key = `secbot:session:s:${createHash('sha256').update(id).digest('base64url')}`;
    await store.set(key, '{"principal":{"id":"root"}', { ttlMs: 60_000 });
    expect(await code(sessions.verify(id))).toBe('AUTH_SESSION_INVALID');
  });

  it('validates options with CONFIG_INVALID naming the path', () => {
    const store = createMemoryStore();
    for (const [options, path] of [
      [{}, 'store'],
      [{ store, idleTimeoutMs: 10 }, 'idleTimeoutMs'],
      [{ store, idleTimeoutMs: 2 * hour, absoluteTimeoutMs: hour }, 'idleTimeoutMs'],
      [{ store, touchIntervalMs: 20 * minute }, 'touchIntervalMs'],
    ] as const) {
      try {
        createSessions(options as never);
        expect.unreachable();
      } catch (error) {
        expect(isSecbotError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as SecbotError).issues?.map((i) => i.path)).toEqual([path]);
      }
    }
  });
});
