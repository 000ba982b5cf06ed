// A DirectoryClient wrapper that records every call, to prove what did (or did not) reach the server.
import type {
  DirectoryClient,
  DirectoryConnection,
  DirectoryEntry,
  DirectorySearchOptions,
} from '../../src/directory-client.js';

export interface Call {
  readonly op: 'connect' | 'startTLS' | 'bind' | 'search' | 'close';
  readonly url: string;
  /** bind: the DN. */
  readonly dn?: string;
  /** search: base, filter and how many entries came back (undefined if it failed). */
  readonly base?: string;
  readonly filter?: string;
  results?: number;
  /** Whether the operation rejected. */
  failed?: boolean;
}

export interface Spy {
  readonly client: DirectoryClient;
  readonly calls: Call[];
  /** Connections handed out, newest last. */
  readonly connections: DirectoryConnection[];
  /** Bind calls, optionally only those for one DN. */
  binds(dn?: string): Call[];
  /** Search calls. */
  searches(): Call[];
}

export function spyClient(inner: DirectoryClient): Spy {
  const calls: Call[] = [];
  const connections: DirectoryConnection[] = [];
  const track = async <T>(call: Call, action: () => Promise<T>): Promise<T> => {
    calls.push(call);
    try {
      return await action();
    } catch (err) {
      call.failed = true;
      throw err;
    }
  };
  const client: DirectoryClient = {
    async connect(url) {
      const connection = await track({ op: 'connect', url }, () => inner.connect(url));
      const wrapped: DirectoryConnection = {
        url,
        get usable() {
          return connection.usable;
        },
        startTLS: () => track({ op: 'startTLS', url }, () => connection.startTLS()),
        bind: (dn, password) => track({ op: 'bind', url, dn }, () => connection.bind(dn, password)),
        async search(base: string, options: DirectorySearchOptions): Promise<readonly DirectoryEntry[]> {
          const call: Call = { op: 'search', url, base, filter: options.filter };
          const entries = await track(call, () => connection.search(base, options));
          call.results = entries.length;
          return entries;
        },
        close: () => track({ op: 'close', url }, () => connection.close()),
      };
      connections.push(wrapped);
      return wrapped;
    },
  };
  return {
    client,
    calls,
    connections,
    binds: (dn) => calls.filter((call) => call.op === 'bind' && (dn === undefined || call.dn === dn)),
    searches: () => calls.filter((call) => call.op === 'search'),
  };
}
