// A private OpenLDAP slapd per test file: temp dir, free ports on 127.0.0.1, ldap:// (StartTLS) and
// ldaps:// listeners with a throwaway CA, the mdb backend, the memberof + refint overlays, and a
// seeded tree (users, nested groups, users whose names need escaping). slapd runs in the
// foreground (-d stats) so its log is captured, as the unprivileged `openldap` user when we are
// root. If slapd is not installed this FAILS (never skips) and says how to install it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from '@secbot/test-utils';
import { afterAll, beforeAll } from 'vitest';

export const baseDN = 'dc=example,dc=com';
export const peopleDN = `ou=people,${baseDN}`;
export const groupsDN = `ou=groups,${baseDN}`;
export const userFilter = '(&(objectClass=inetOrgPerson)(uid={username}))';

/** A seeded user: how to log in, and the DN slapd stores. */
export interface SeedUser {
  readonly username: string;
  readonly password: string;
  readonly dn: string;
}

const user = (username: string, rdn: string, password: string, parent = peopleDN): SeedUser => ({
  username,
  password,
  dn: `${rdn},${parent}`,
});

/** Every seeded user. */
export const users = {
  alice: user('alice', 'uid=alice', 'Alice-pw-1!'),
  bob: user('bob', 'uid=bob', 'Bob-pw-2!'),
  admin: user('admin', 'uid=admin', 'Admin-pw-3!'),
  oneil: user('o(neil)', 'uid=o(neil)', 'Oneil-pw-4!'),
  star: user('star*', 'uid=star*', 'Star-pw-5!'),
  backslash: user('back\\slash', 'uid=back\\5Cslash', 'Back-pw-6!'),
  nul: user('nul\0user', 'cn=nul user', 'Nul-pw-7!'),
  carol: user('carol', 'uid=carol', 'Carol-pw-8!'),
  dave: user('dave', 'uid=dave', 'Dave-pw-9!'),
  eve: user('eve', 'uid=eve', 'Eve-pw-10!'),
  twinA: user('twin', 'uid=twin', 'Twin-pw-11!'),
  twinB: user('twin', 'uid=twin', 'Twin-pw-11!', `ou=contractors,${peopleDN}`),
} as const satisfies Record<string, SeedUser>;

const group = (name: string): string => `cn=${name},${groupsDN}`;

/** Every seeded group DN. */
export const groups = {
  agents: group('agents'),
  support: group('support'),
  staff: group('staff'),
  admins: group('admins'),
  cycleA: group('cycle-a'),
  cycleB: group('cycle-b'),
  deep: [1, 2, 3, 4, 5, 6, 7, 8].map((level) => group(`deep${level}`)),
} as const;

export const service = { dn: `cn=secbot-svc,ou=system,${baseDN}`, password: 'Service-pw-0!' } as const;
const admin = { dn: `cn=admin,${baseDN}`, password: randomBytes(12).toString('base64url') } as const;

/** A running slapd. */
export interface Slapd {
  /** `ldap://127.0.0.1:port` (plain, StartTLS available). */
  readonly ldapUrl: string;
  /** `ldaps://localhost:port` (TLS from the first byte; the certificate names localhost and 127.0.0.1). */
  readonly ldapsUrl: string;
  readonly ldapPort: number;
  readonly ldapsPort: number;
  /** PEM of the CA that issued slapd's certificate. */
  readonly caPem: string;
  /** PEM of an unrelated CA. */
  readonly rogueCaPem: string;
  /** The OS user slapd runs as. */
  readonly runAs: string;
  /** How long start-up took (PKI, config, launch, seed), ms. */
  readonly startupMs: number;
  /** Current length of the captured log; pass to {@link Slapd.logSince}. */
  mark(): number;
  /** Log text since a mark. */
  logSince(mark: number): string;
  /** DNs slapd saw in BIND requests since a mark (as slapd prints them). */
  bindsSince(mark: number): string[];
  /** Stop slapd and start it again on the same ports with the same data (drops every connection). */
  restart(): Promise<void>;
  /** Stop slapd (SIGTERM, then SIGKILL) and delete its directory. */
  stop(): Promise<void>;
}

const installHint =
  'slapd / ldap-utils are not installed: run `scripts/install-slapd.sh` (as root) before the LDAP tests';

function findTool(name: string): string {
  for (const dir of [
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/sbin',
    '/usr/local/bin',
    ...(process.env.PATH ?? '').split(':'),
  ]) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(`${installHint} (${name} not found)`);
}

function optionalTool(name: string): string | undefined {
  try {
    return findTool(name);
  } catch {
    return undefined;
  }
}

function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolve once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (performance.now() > deadline) throw new Error(`slapd is not listening on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function config(dir: string): string {
  return `
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
TLSCACertificateFile ${dir}/ca.pem
TLSCertificateFile ${dir}/server.pem
TLSCertificateKeyFile ${dir}/server.key
# Accept "unauthenticated binds" (a DN with an empty password) as anonymous success, as many servers
# do: the tests prove the provider refuses empty passwords before such a bind could happen.
allow bind_anon_dn
sizelimit 500

database mdb
suffix "${baseDN}"
rootdn "${admin.dn}"
rootpw ${ssha(admin.password)}
directory ${dir}/db
maxsize 33554432
index objectClass eq
index uid eq
index member eq
index memberOf eq
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="${service.dn}" read
  by self read
  by * none

overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
overlay refint
refint_attributes member
`;
}

function ldif(): string {
  const entries: string[] = [
    `dn: ${baseDN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    `dn: ${peopleDN}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=contractors,${peopleDN}\nobjectClass: organizationalUnit\nou: contractors`,
    `dn: ${groupsDN}\nobjectClass: organizationalUnit\nou: groups`,
    `dn: ou=system,${baseDN}\nobjectClass: organizationalUnit\nou: system`,
    `dn: ${service.dn}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: secbot-svc\nuserPassword: ${ssha(service.password)}`,
  ];
  for (const [key, seed] of Object.entries(users)) {
    // uid values are base64 in LDIF so that NUL, '*', '(' and '\' go through unchanged.
    entries.push(
      [
        `dn: ${seed.dn}`,
        'objectClass: inetOrgPerson',
        `uid:: ${Buffer.from(seed.username, 'utf8').toString('base64')}`,
        `cn: ${key === 'nul' ? 'nul user' : `${key} test`}`,
        `sn: ${key}`,
        `mail: ${key}@example.com`,
        `displayName: ${key.toUpperCase()} Display`,
        `userPassword: ${ssha(seed.password)}`,
      ].join('\n'),
    );
  }
  const groupEntry = (dn: string, members: readonly string[]): string =>
    [
      `dn: ${dn}`,
      'objectClass: groupOfNames',
      `cn: ${/^cn=([^,]+)/.exec(dn)?.[1]}`,
      ...members.map((m) => `member: ${m}`),
    ].join('\n');
  // Members before the groups they are in, so the memberof overlay sets memberOf as entries are added.
  entries.push(
    groupEntry(groups.agents, [
      users.alice.dn,
      users.oneil.dn,
      users.star.dn,
      users.backslash.dn,
      users.nul.dn,
    ]),
  );
  entries.push(groupEntry(groups.support, [groups.agents]));
  entries.push(groupEntry(groups.staff, [groups.support]));
  entries.push(groupEntry(groups.admins, [users.bob.dn, users.admin.dn]));
  entries.push(groupEntry(groups.cycleA, [users.carol.dn]));
  entries.push(groupEntry(groups.cycleB, [groups.cycleA]));
  groups.deep.forEach((dn, index) => {
    entries.push(groupEntry(dn, [index === 0 ? users.dave.dn : (groups.deep[index - 1] ?? '')]));
  });
  return `${entries.join('\n\n')}\n`;
}

// cycle-a gets cycle-b as a member after both exist: a membership cycle.
const closeCycle = `dn: ${groups.cycleA}\nchangetype: modify\nadd: member\nmember: ${groups.cycleB}\n`;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Start a private slapd and seed it.
 *
 * @returns The running server; call `stop()` in `afterAll`.
 */
export async function startSlapd(): Promise<Slapd> {
  const started = performance.now();
  const slapd = findTool('slapd');
  const ldapadd = findTool('ldapadd');
  const ldapmodify = findTool('ldapmodify');
  const dir = mkdtempSync(join(tmpdir(), 'secbot-slapd-'));
  mkdirSync(join(dir, 'db'));

  const pki = createTestPki();
  let stop = async (): Promise<void> => undefined;
  try {
    const server = pki.issue('slapd', 'server');
    const rogue = pki.selfSigned('rogue-ca');
    writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
    writeFileSync(join(dir, 'server.pem'), server.certPem);
    writeFileSync(join(dir, 'server.key'), server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'slapd.conf'), config(dir));

    // setpriv (util-linux) execs slapd with a parent-death signal, so slapd dies with the test
    // worker even if the worker is killed before afterAll; when we are root it also drops to the
    // package's unprivileged user (which must then own everything slapd reads and writes).
    let runAs = process.env.USER ?? String(process.getuid?.() ?? 'unknown');
    const setpriv = optionalTool('setpriv');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'openldap'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'openldap'], { encoding: 'utf8' }).trim());
      for (const name of ['', 'db', ...readdirSync(dir)]) chownSync(join(dir, name), uid, gid);
      runAs = 'openldap';
    }
    const command = (args: string[]): [string, string[]] => {
      if (setpriv === undefined)
        return [slapd, asRoot ? [...args, '-u', 'openldap', '-g', 'openldap'] : args];
      const drop = asRoot ? ['--reuid', 'openldap', '--regid', 'openldap', '--init-groups'] : [];
      return [setpriv, [...drop, '--pdeathsig', 'TERM', '--', slapd, ...args]];
    };

    const log: string[] = [];
    let logLength = 0;
    let child: ChildProcess | undefined;
    let ldapPort = 0;
    let ldapsPort = 0;

    stop = async (): Promise<void> => {
      const proc = child;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    };

    const launch = async (): Promise<void> => {
      const [file, args] = command([
        '-d',
        'stats',
        '-f',
        join(dir, 'slapd.conf'),
        '-h',
        `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`,
      ]);
      const proc = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      running.add(proc);
      proc.once('exit', () => running.delete(proc));
      await new Promise<void>((resolve, reject) => {
        let pending = '';
        const timer = setTimeout(
          () => reject(new Error(`slapd did not start within 10 s:\n${log.slice(-20).join('\n')}`)),
          10_000,
        );
        proc.stderr?.setEncoding('utf8');
        proc.stderr?.on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            if (log.length < 100_000) log.push(line);
            logLength += line.length + 1;
            if (line.includes('slapd starting')) {
              clearTimeout(timer);
              resolve();
            }
          }
        });
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`slapd exited (${code ?? signal}) while starting:\n${log.slice(-20).join('\n')}`));
        });
      });
      // slapd prints "slapd starting" before its listener thread calls listen(): wait for both ports.
      await waitForPort(ldapPort, 5_000);
      await waitForPort(ldapsPort, 5_000);
    };

    for (let attempt = 1; ; attempt++) {
      ldapPort = await freePort();
      ldapsPort = await freePort();
      try {
        await launch();
        break;
      } catch (err) {
        // Another process may have taken a port between our probe and slapd's bind: try new ones.
        await stop();
        if (attempt >= 3) throw err;
      }
    }

    const ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
    const bindArgs = ['-x', '-H', ldapUrl, '-D', admin.dn, '-w', admin.password];
    execFileSync(ldapadd, bindArgs, { input: ldif(), stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync(ldapmodify, bindArgs, { input: closeCycle, stdio: ['pipe', 'ignore', 'pipe'] });

    const logSince = (mark: number): string => {
      const all = log.join('\n');
      return all.slice(Math.max(0, all.length - (logLength - mark)));
    };
    return {
      ldapUrl,
      ldapsUrl: `ldaps://localhost:${ldapsPort}`,
      ldapPort,
      ldapsPort,
      caPem: pki.ca.certPem,
      rogueCaPem: rogue.certPem,
      runAs,
      startupMs: Math.round(performance.now() - started),
      mark: () => logLength,
      logSince,
      bindsSince: (mark) =>
        [...logSince(mark).matchAll(/ BIND dn="([^"]*)" method=/g)].map((match) => match[1] ?? ''),
      async restart() {
        await stop();
        await launch();
      },
      async stop() {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stop(); // e.g. seeding failed: leave no slapd behind
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    pki.cleanup();
  }
}

/**
 * Start one slapd for the calling test file (beforeAll) and stop it afterwards (afterAll). If it
 * cannot start (slapd not installed, say), every test that uses it fails with the reason: the
 * tests fail one by one rather than being reported as skipped.
 *
 * @returns A getter for the running server.
 */
export function useSlapd(): () => Slapd {
  let server: Slapd | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      server = await startSlapd();
    } catch (err) {
      failure = err;
    }
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw failure ?? new Error('slapd did not start');
    return server;
  };
}
