// Shared setup for the provider tests against slapd.
import { inspect } from 'node:util';
import { isSecbotError, type SecbotError, type SecbotErrorCode } from '@secbot/core';
import { expect } from 'vitest';
import { type LdapProvider, ldapProvider } from '../../src/ldap-provider.js';
import type { LdapProviderOptions } from '../../src/ldap-provider-options.js';
import { ldaptsDirectoryClient } from '../../src/ldapts-directory-client.js';
import { groupsDN, peopleDN, type Slapd, service, userFilter } from './slapd.js';
import { type Spy, spyClient } from './spy-client.js';

/** Role mapping used by most tests (keys spelled differently from the server on purpose). */
export const roleMapping = {
  groups: {
    'CN=Agents,OU=Groups,DC=Example,DC=com': ['agent'],
    'cn=support, ou=groups, dc=example, dc=com': ['support'],
    [`cn=staff,${groupsDN}`]: ['staff'],
    [`cn=admins,${groupsDN}`]: ['admin'],
  },
  defaultRoles: ['customer'],
};

/** Options for a provider against `slapd` over StartTLS with the test CA, spied. */
export function providerOptions(
  slapd: Slapd,
  overrides: Partial<LdapProviderOptions> = {},
): LdapProviderOptions {
  return {
    url: slapd.ldapUrl,
    bindDN: service.dn,
    bindPassword: service.password,
    userSearch: { base: peopleDN, filter: userFilter },
    groupSearch: { mode: 'memberOf' },
    roleMapping,
    tls: { ca: slapd.caPem },
    timeouts: { connectMs: 2_000, operationMs: 3_000 },
    ...overrides,
  };
}

/** A provider plus the spy on its directory client; closed by {@link closeAll}. */
export interface Harness {
  readonly provider: LdapProvider;
  readonly spy: Spy;
}

const open: LdapProvider[] = [];

/** A provider whose (real, ldapts) directory client is spied on. */
export function spiedProvider(
  slapd: Slapd,
  overrides: Partial<LdapProviderOptions> = {},
  clientOptions: Parameters<typeof ldaptsDirectoryClient>[0] = {},
): Harness {
  const spy = spyClient(
    ldaptsDirectoryClient({
      connectTimeoutMs: 2_000,
      operationTimeoutMs: 3_000,
      tls: { ca: slapd.caPem },
      ...clientOptions,
    }),
  );
  const { tls: _tls, ...rest } = providerOptions(slapd, overrides);
  const provider = ldapProvider({
    ...rest,
    client: spy.client,
    ...(overrides.tls ? { tls: overrides.tls } : {}),
  });
  open.push(provider);
  return { provider, spy };
}

/** A provider with the default client. */
export function provider(slapd: Slapd, overrides: Partial<LdapProviderOptions> = {}): LdapProvider {
  const created = ldapProvider(providerOptions(slapd, overrides));
  open.push(created);
  return created;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((item) => item.close()));
}

/** Await a rejection and check it is a SecbotError with `code`; returns it. */
export async function rejection(promise: Promise<unknown>, code: SecbotErrorCode): Promise<SecbotError> {
  try {
    await promise;
  } catch (err) {
    if (!isSecbotError(err)) throw err;
    expect(err.code, err.message).toBe(code);
    return err;
  }
  throw new Error(`expected a rejection with ${code}, got a result`);
}

/** Everything an error could leak through: message, JSON, inspect output of the whole cause chain. */
export function everythingIn(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    let json = '';
    try {
      json = JSON.stringify(current) ?? '';
    } catch {
      // circular (TLS errors carry certificates): inspect below still shows everything
    }
    parts.push(String(current), json, inspect(current, { depth: 10, showHidden: true }));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** Give slapd a moment to write its log. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
