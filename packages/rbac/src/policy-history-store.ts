import { freezeChange, type PolicyChange } from './policy-change.js';

/**
 * Where a policy admin keeps every change it handles, pending or done: the port behind
 * {@link createPolicyAdmin}. {@link memoryPolicyHistory} is the default and the reference
 * implementation; {@link jsonFilePolicyHistory} keeps the history in a file.
 *
 * An implementation must store a deep copy of each record (later mutation of the object passed to
 * `save` must not alter history), keep {@link PolicyHistoryStore.list} in the order records were
 * first saved, and resolve `save` only once the record is durable. The admin serialises its own
 * calls; a store shared by several processes must also serialise writes between them.
 */
export interface PolicyHistoryStore {
  /**
   * Insert a record, or replace the record with the same id in place.
   *
   * @param change - The record.
   * @returns Resolves once the record is stored.
   * @throws SecbotError `ARGUMENT_INVALID` for a malformed record; `STORE_UNAVAILABLE` when it
   *   could not be written (the store then still holds the previous version of the record).
   */
  save(change: PolicyChange): Promise<void>;
  /**
   * Read one record.
   *
   * @param id - The change id.
   * @returns A frozen copy, or `undefined` when there is no such change.
   */
  get(id: string): Promise<PolicyChange | undefined>;
  /**
   * Every record, in the order they were first saved.
   *
   * @returns Frozen copies.
   */
  list(): Promise<readonly PolicyChange[]>;
}

/**
 * An in-memory {@link PolicyHistoryStore}: the default of {@link createPolicyAdmin}. Records are
 * validated and deep-copied on save and handed out frozen. History ends with the process; use
 * {@link jsonFilePolicyHistory} (or a database store) to keep it.
 *
 * @returns An empty store.
 * @throws SecbotError `ARGUMENT_INVALID` from `save` for a malformed record.
 * @example
 * ```ts
 * import { createPolicyAdmin, createRbac, memoryPolicyHistory } from '@secbot/rbac';
 *
 * const rbac = createRbac({ version: 1, roles: { admin: { allow: ['policy:*'] } } });
 * const admin = createPolicyAdmin({ rbac, history: memoryPolicyHistory() });
 * ```
 */
export function memoryPolicyHistory(): PolicyHistoryStore {
  const records = new Map<string, PolicyChange>();
  return {
    async save(change) {
      const copy = freezeChange(change, 'memory policy history');
      records.set(copy.id, copy); // replacing keeps the original insertion position
    },
    async get(id) {
      return records.get(id);
    },
    async list() {
      return [...records.values()];
    },
  };
}
