// An in-memory DirectoryClient for unit tests: scripted binds and searches, every call recorded.
import type {
  DirectoryClient,
  DirectoryConnection,
  DirectoryEntry,
  DirectorySearchOptions,
} from '../../src/directory-client.js';

export interface FakeDirectory {
  readonly client: DirectoryClient;
  /** Every search, in order. */
  readonly searches: Array<{ base: string; options: DirectorySearchOptions }>;
  /** Every bind, in order (DN only). */
  readonly binds: string[];
}

export interface FakeDirectoryOptions {
  /** Answers a search; default: nothing found. */
  readonly search?: (base: string, options: DirectorySearchOptions) => readonly DirectoryEntry[];
  /** Throws to reject a bind; default: every bind succeeds. */
  readonly bind?: (dn: string, password: string) => void;
}

/** Build a directory entry. */
export function entry(dn: string, attributes: Record<string, string[]> = {}): DirectoryEntry {
  return { dn, attributes, binary: {} };
}

export function fakeDirectory(options: FakeDirectoryOptions = {}): FakeDirectory {
  const searches: FakeDirectory['searches'] = [];
  const binds: string[] = [];
  const client: DirectoryClient = {
    async connect(url) {
      let open = true;
      const connection: DirectoryConnection = {
        url,
        get usable() {
          return open;
        },
        startTLS: async () => undefined,
        async bind(dn, password) {
          binds.push(dn);
          options.bind?.(dn, password);
        },
        async search(base, searchOptions) {
          searches.push({ base, options: searchOptions });
          return options.search?.(base, searchOptions) ?? [];
        },
        async close() {
          open = false;
        },
      };
      return connection;
    },
  };
  return { client, searches, binds };
}
