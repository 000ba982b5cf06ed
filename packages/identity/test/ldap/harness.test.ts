// The harness itself: slapd is up quickly, unprivileged, memberOf is maintained, names that need
// escaping are stored as they are, and the server accepts unauthenticated binds (the hole the
// provider must never fall into).
import { Client } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { baseDN, groups, service, users, useSlapd } from './slapd.js';

const slapd = useSlapd();
const clients: Client[] = [];
const connect = (): Client => {
  const client = new Client({ url: slapd().ldapUrl, timeout: 2_000, connectTimeout: 2_000 });
  clients.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.unbind()));
});

describe('slapd harness', () => {
  it('starts fast and, when we are root, runs as the unprivileged openldap user', () => {
    console.log(`slapd started in ${slapd().startupMs} ms as ${slapd().runAs}`);
    expect(slapd().startupMs).toBeLessThan(5_000);
    if (process.getuid?.() === 0) expect(slapd().runAs).toBe('openldap');
  });

  it('maintains memberOf on users and on nested groups', async () => {
    const client = connect();
    await client.bind(service.dn, service.password);
    const { searchEntries } = await client.search(baseDN, {
      filter: `(|(uid=alice)(cn=agents))`,
      attributes: ['memberOf'],
    });
    const byDn = new Map(searchEntries.map((entry) => [entry.dn, entry.memberOf]));
    expect(byDn.get(users.alice.dn)).toBe(groups.agents);
    expect(byDn.get(groups.agents)).toBe(groups.support);
  });

  it('stores uids that need escaping, NUL included', async () => {
    const client = connect();
    await client.bind(service.dn, service.password);
    for (const seed of [users.oneil, users.star, users.backslash, users.nul]) {
      const { searchEntries } = await client.search(baseDN, {
        filter: `(uid=${seed.username.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`)})`,
        attributes: ['uid'],
      });
      expect(searchEntries.map((entry) => entry.dn)).toEqual([seed.dn]);
    }
  });

  it('accepts an unauthenticated bind (DN, empty password) as anonymous: the hole exists here', async () => {
    const client = connect();
    await expect(client.bind(users.alice.dn, '')).resolves.toBeUndefined();
    // "Who am I?" (RFC 4532): the empty authzId, i.e. anonymous; yet the bind call "succeeded".
    const whoami = await client.exop('1.3.6.1.4.1.4203.1.11.3');
    expect(whoami.value ?? '').toBe('');
  });

  it('logs binds so tests can prove one did not happen', async () => {
    const mark = slapd().mark();
    const client = connect();
    await client.bind(service.dn, service.password);
    await client.unbind();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slapd().bindsSince(mark)).toEqual([service.dn]);
  });
});
