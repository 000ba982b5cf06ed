import { SecbotError } from '@secbot/core';
import type { PolicyChange, PolicyDocument, PolicyHistoryStore } from '../src/index.js';

/** The policy the admin tests start from. */
export const basePolicy: PolicyDocument = {
  version: 1,
  roles: {
    proposer: { allow: ['policy:propose', 'policy:apply'] },
    approver: { allow: ['policy:approve', 'policy:apply'] },
    superadmin: { scope: 'platform', allow: ['*'] },
    agent: { allow: ['transcripts:read', { permission: 'transcripts:delete', when: 'owner' }] },
  },
};

export const ana = { id: 'ana', roles: ['proposer'] };
export const bo = { id: 'bo', roles: ['approver'] };
export const cy = { id: 'cy', roles: ['approver'] };
export const eve = { id: 'eve', roles: ['agent'] };
/** Holds every role, including one allowed everything. */
export const root = { id: 'root', roles: ['proposer', 'approver', 'superadmin', 'agent'] };

/** `policy` with `grant` added to the allow list of `role`. */
export function withGrant(policy: PolicyDocument, role: string, grant: string): PolicyDocument {
  const current = policy.roles[role] ?? {};
  return {
    ...policy,
    roles: { ...policy.roles, [role]: { ...current, allow: [...(current.allow ?? []), grant] } },
  };
}

/** The SecbotError a promise rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<SecbotError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecbotError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject with a SecbotError');
}

/** The SecbotError a function throws. */
export function thrown(run: () => unknown): SecbotError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecbotError) return error;
    throw error;
  }
  throw new Error('expected a SecbotError');
}

/** A store wrapper whose every call yields to the event loop several times, to widen race windows. */
export function slowStore(inner: PolicyHistoryStore, delayMs = 5): PolicyHistoryStore {
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, delayMs));
  return {
    async save(change: PolicyChange) {
      await pause();
      await inner.save(change);
    },
    async get(id: string) {
      await pause();
      return inner.get(id);
    },
    async list() {
      await pause();
      return inner.list();
    },
  };
}

/** Whether a value and everything in it is frozen. */
export function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(isDeepFrozen);
}
