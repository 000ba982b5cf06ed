// Failover and the service-account pool against slapd: dead and silent servers, no failover on a
// wrong password, connections re-used, broken ones dropped, close() releases them.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, provider, rejection, settle, spiedProvider } from './helpers.js';
import { service, users, useSlapd } from './slapd.js';

const slapd = useSlapd();
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await closeAll();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const login = (username: string, password: string) => ({ kind: 'password' as const, username, password });
const alice = () => login('alice', users.alice.password);

/** A port on 127.0.0.1 where nothing listens (connection refused). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** A server that accepts connections and never says a word (a hung or black-holed directory). */
async function silentPort(): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('ldapProvider failover against slapd', () => {
  it('moves on from a dead first URL to the real server', async () => {
    const dead = `ldap://127.0.0.1:${await deadPort()}`;
    const { provider: ldap, spy } = spiedProvider(slapd(), { url: undefined, urls: [dead, slapd().ldapUrl] });
    expect((await ldap.authenticate(alice())).roles).toContain('agent');
    expect(spy.calls.filter((call) => call.url === dead).some((call) => call.failed)).toBe(true);
    expect(spy.binds(users.alice.dn).map((call) => call.url)).toEqual([slapd().ldapUrl]);
  });

  it('tries a URL that just failed last, so later connections do not wait for it', async () => {
    const dead = `ldap://127.0.0.1:${await deadPort()}`;
    const { provider: ldap, spy } = spiedProvider(slapd(), { url: undefined, urls: [dead, slapd().ldapUrl] });
    await ldap.authenticate(alice());
    // Concurrent logins need new pooled connections; none of them goes to the dead URL first.
    await Promise.all([1, 2, 3].map(() => ldap.authenticate(alice())));
    expect(spy.calls.filter((call) => call.url === dead && call.op === 'connect')).toHaveLength(1);
  });

  it('fails closed, fast, when every URL is refused', async () => {
    const urls = [`ldap://127.0.0.1:${await deadPort()}`, `ldaps://127.0.0.1:${await deadPort()}`];
    const ldap = provider(slapd(), { url: undefined, urls });
    const started = performance.now();
    const err = await rejection(ldap.authenticate(alice()), 'AUTH_PROVIDER_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.publicMessage).toBe('Service unavailable');
  });

  it('fails closed within the timeouts when every server accepts and then says nothing', async () => {
    const urls = [`ldap://127.0.0.1:${await silentPort()}`, `ldaps://127.0.0.1:${await silentPort()}`];
    const ldap = provider(slapd(), { url: undefined, urls, timeouts: { connectMs: 200, operationMs: 300 } });
    const started = performance.now();
    const err = await rejection(ldap.authenticate(alice()), 'AUTH_PROVIDER_UNAVAILABLE');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(4_000); // 2 servers x (200 ms connect or 300 ms operation), with slack for a loaded CI host
    expect(err.message).toMatch(/timed? ?out/i);
  });

  it('never fails over on a wrong password', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd(), {
      url: undefined,
      urls: [slapd().ldapUrl, slapd().ldapsUrl],
    });
    await rejection(ldap.authenticate(login('alice', 'wrong-password-1')), 'AUTH_INVALID_CREDENTIALS');
    expect(spy.binds(users.alice.dn).map((call) => call.url)).toEqual([slapd().ldapUrl]);
  });
});

describe('ldapProvider service-account pool against slapd', () => {
  it('re-uses one service connection for sequential logins', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd());
    const mark = slapd().mark();
    for (let i = 0; i < 5; i++) await ldap.authenticate(alice());
    expect(spy.binds(service.dn)).toHaveLength(1);
    expect(spy.binds(users.alice.dn)).toHaveLength(5);
    await settle();
    expect(
      slapd()
        .bindsSince(mark)
        .filter((dn) => dn === service.dn),
    ).toHaveLength(1);
  });

  it('stays within its size under concurrent logins', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd(), { pool: { size: 2 } });
    const principals = await Promise.all(Array.from({ length: 12 }, () => ldap.authenticate(alice())));
    expect(principals.every((principal) => principal.roles.includes('agent'))).toBe(true);
    expect(spy.binds(service.dn).length).toBeLessThanOrEqual(2);
  });

  it('drops connections the server closed and carries on', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd());
    await ldap.authenticate(alice());
    await slapd().restart(); // every connection to slapd is gone
    await settle();
    expect((await ldap.authenticate(alice())).roles).toContain('agent');
    expect(spy.binds(service.dn)).toHaveLength(2);
  });

  it('close() releases the pooled connections and later logins fail closed', async () => {
    const { provider: ldap, spy } = spiedProvider(slapd(), { pool: { size: 3 } });
    await Promise.all([1, 2, 3].map(() => ldap.authenticate(alice())));
    const opened = spy.connections.length;
    await ldap.close();
    expect(spy.calls.filter((call) => call.op === 'close')).toHaveLength(opened);
    expect(spy.connections.every((connection) => !connection.usable)).toBe(true);
    await rejection(ldap.authenticate(alice()), 'AUTH_PROVIDER_UNAVAILABLE');
  });
});
