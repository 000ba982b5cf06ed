// Connections for ldapProvider: failover across URLs, StartTLS, and a small pool of connections
// bound as the service account. Library-neutral: it only talks to the DirectoryClient port.
import type { Clock } from '@secbot/core';
import { type DirectoryClient, type DirectoryConnection, DirectoryError } from '../directory-client.js';

/** How the pool reaches the directory. */
export interface PoolSettings {
  readonly client: DirectoryClient;
  /** In order of preference. */
  readonly urls: readonly string[];
  /** Whether a URL needs StartTLS after connecting (plain `ldap://` that is not `insecure`). */
  readonly startTLS: (url: string) => boolean;
  readonly bindDN: string;
  readonly bindPassword: string;
  /** Most connections open at once (idle and in use). */
  readonly maxSize: number;
  readonly acquireTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** After a network failure a URL is tried last for this long. */
  readonly downForMs: number;
  readonly now: Clock;
}

interface Lease {
  readonly connection: DirectoryConnection;
  /** Taken from the idle list (it may have gone stale since). */
  readonly reused: boolean;
}

interface Idle {
  readonly connection: DirectoryConnection;
  readonly timer: NodeJS.Timeout;
}

interface Waiter {
  readonly resolve: (lease: Lease) => void;
  readonly reject: (err: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** The service-account pool and the one place that opens connections. */
export class DirectoryPool {
  private readonly idle: Idle[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly downUntil = new Map<string, number>();
  private size = 0;
  private closed = false;

  constructor(private readonly settings: PoolSettings) {}

  /**
   * Run `action` on a connection bound as the service account. A connection that breaks is
   * dropped; if it was a reused one (perhaps closed by the server while idle) the action is run
   * once more on a fresh connection. Actions must therefore be idempotent (searches are).
   */
  async withService<T>(action: (connection: DirectoryConnection) => Promise<T>): Promise<T> {
    let lease = await this.acquire();
    for (;;) {
      try {
        const result = await action(lease.connection);
        this.release(lease.connection);
        return result;
      } catch (err) {
        if (!(err instanceof DirectoryError && err.kind === 'unavailable')) {
          this.release(lease.connection);
          throw err;
        }
        this.discard(lease.connection);
        if (!lease.reused || this.closed) throw err;
        lease = { connection: await this.openCounted(), reused: false };
      }
    }
  }

  /**
   * Open a secured connection, bind as `dn`, and close it again: the password check. Fails over
   * to the next URL on network errors only; a rejected bind is rethrown as is.
   *
   * @param dn - The DN to bind as (from a search, never built from input).
   * @param password - Already checked to be non-blank.
   * @param preferredUrl - Tried first (the server that answered the search).
   */
  async verifyBind(dn: string, password: string, preferredUrl?: string): Promise<void> {
    this.assertOpen();
    const connection = await this.open({ dn, password }, preferredUrl);
    await connection.close();
  }

  /** Close idle connections now and in-use ones when they are released; refuse new work. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new DirectoryError('unavailable', 'ldap provider is closed'));
    }
    const idle = this.idle.splice(0);
    this.size -= idle.length;
    await Promise.all(
      idle.map((item) => {
        clearTimeout(item.timer);
        return item.connection.close();
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new DirectoryError('unavailable', 'ldap provider is closed');
  }

  private async acquire(): Promise<Lease> {
    this.assertOpen();
    for (let item = this.idle.pop(); item !== undefined; item = this.idle.pop()) {
      clearTimeout(item.timer);
      if (item.connection.usable) return { connection: item.connection, reused: true };
      this.size -= 1;
      void item.connection.close();
    }
    if (this.size < this.settings.maxSize) return { connection: await this.openCounted(), reused: false };
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index !== -1) this.waiters.splice(index, 1);
          reject(
            new DirectoryError(
              'unavailable',
              `no pooled connection free within ${this.settings.acquireTimeoutMs} ms (pool size ${this.settings.maxSize})`,
            ),
          );
        }, this.settings.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** A new service connection that counts towards the pool size. */
  private async openCounted(): Promise<DirectoryConnection> {
    this.size += 1;
    try {
      return await this.open({ dn: this.settings.bindDN, password: this.settings.bindPassword });
    } catch (err) {
      this.size -= 1;
      throw err;
    }
  }

  private release(connection: DirectoryConnection): void {
    if (this.closed || !connection.usable) {
      this.discard(connection);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve({ connection, reused: true });
      return;
    }
    const item: Idle = {
      connection,
      timer: setTimeout(() => {
        const index = this.idle.indexOf(item);
        if (index === -1) return;
        this.idle.splice(index, 1);
        this.size -= 1;
        void connection.close();
      }, this.settings.idleTimeoutMs),
    };
    item.timer.unref();
    this.idle.push(item);
  }

  private discard(connection: DirectoryConnection): void {
    this.size -= 1;
    void connection.close();
    const waiter = this.closed ? undefined : this.waiters.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    this.openCounted().then(
      (fresh) => waiter.resolve({ connection: fresh, reused: false }),
      (err: unknown) => waiter.reject(err),
    );
  }

  /** URLs to try: the preferred one, then the healthy ones in order, then the ones recently down. */
  private order(preferredUrl?: string): string[] {
    const now = this.settings.now();
    const healthy = this.settings.urls.filter((url) => (this.downUntil.get(url) ?? 0) <= now);
    const down = this.settings.urls.filter((url) => (this.downUntil.get(url) ?? 0) > now);
    const ordered = [...healthy, ...down];
    if (preferredUrl === undefined || !ordered.includes(preferredUrl)) return ordered;
    return [preferredUrl, ...ordered.filter((url) => url !== preferredUrl)];
  }

  private async open(
    bind: { dn: string; password: string },
    preferredUrl?: string,
  ): Promise<DirectoryConnection> {
    const failures: string[] = [];
    let lastError: unknown;
    for (const url of this.order(preferredUrl)) {
      let connection: DirectoryConnection | undefined;
      try {
        connection = await this.settings.client.connect(url);
        if (this.settings.startTLS(url)) await connection.startTLS();
        await connection.bind(bind.dn, bind.password);
        this.downUntil.delete(url);
        return connection;
      } catch (err) {
        if (connection !== undefined) await connection.close();
        if (!(err instanceof DirectoryError && err.kind === 'unavailable')) throw err;
        this.downUntil.set(url, this.settings.now() + this.settings.downForMs);
        failures.push(err.message);
        lastError = err;
      }
    }
    throw new DirectoryError('unavailable', `no directory server reachable: ${failures.join('; ')}`, {
      cause: lastError,
    });
  }
}
