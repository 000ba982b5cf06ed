// Group membership for ldapProvider, three ways: the memberOf attribute (followed upwards for
// nesting), a member search (repeated for nesting), or Active Directory's in-chain matching rule.
// Nested resolution is bounded in depth and in the number of groups, and never visits a group twice.
import { type DirectoryConnection, type DirectoryEntry, DirectoryError } from '../directory-client.js';
import { parseDn } from '../ldap-dn.js';
import { escapeLdapFilterValue } from '../ldap-filter.js';

/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: transitive membership, resolved by the DC. */
export const matchingRuleInChain = '1.2.840.113556.1.4.1941';

/** Group lookup settings, validated. */
export type GroupSettings =
  | {
      readonly mode: 'memberOf';
      readonly attribute: string;
      readonly nested: boolean;
      readonly maxDepth: number;
      readonly maxGroups: number;
    }
  | {
      readonly mode: 'member';
      readonly base: string;
      readonly scope: 'one' | 'sub';
      readonly filter: string;
      readonly memberAttribute: string;
      readonly nested: boolean;
      readonly maxDepth: number;
      readonly maxGroups: number;
    }
  | {
      readonly mode: 'activeDirectory';
      readonly base: string;
      readonly scope: 'one' | 'sub';
      readonly filter: string;
      readonly memberAttribute: string;
      readonly maxGroups: number;
    };

/** Values per OR filter in a member search. */
const chunkSize = 32;

/** Collects group DNs once each (compared normalised), keeping the first spelling seen. */
class GroupSet {
  readonly seen = new Map<string, string>();

  constructor(private readonly maxGroups: number) {}

  get full(): boolean {
    return this.seen.size >= this.maxGroups;
  }

  /** Add a DN; returns it if it is new (and well-formed, and there is room). */
  add(dn: string): string | undefined {
    const rdns = parseDn(dn);
    if (rdns === undefined || rdns.length === 0 || this.full) return undefined;
    const key = rdns.join(',');
    if (this.seen.has(key)) return undefined;
    this.seen.set(key, dn);
    return dn;
  }
}

/**
 * The groups a user is in.
 *
 * @param connection - A connection bound as the service account.
 * @param settings - How to look groups up.
 * @param user - The user's entry (with the memberOf attribute, in `memberOf` mode).
 * @returns Group DNs as the directory spells them, direct groups first; at most `maxGroups`.
 */
export async function resolveGroups(
  connection: DirectoryConnection,
  settings: GroupSettings,
  user: DirectoryEntry,
): Promise<string[]> {
  const groups = new GroupSet(settings.maxGroups);
  if (settings.mode === 'activeDirectory') {
    const filter = `(&${settings.filter}(${settings.memberAttribute}:${matchingRuleInChain}:=${escapeLdapFilterValue(user.dn)}))`;
    const entries = await connection.search(settings.base, {
      scope: settings.scope,
      filter,
      attributes: ['1.1'],
      sizeLimit: settings.maxGroups,
    });
    for (const entry of entries) groups.add(entry.dn);
    return [...groups.seen.values()];
  }

  const direct =
    settings.mode === 'memberOf'
      ? (user.attributes[settings.attribute.toLowerCase()] ?? [])
      : await memberSearch(connection, settings, [user.dn]);
  let frontier = direct.flatMap((dn) => groups.add(dn) ?? []);
  for (
    let depth = 1;
    settings.nested && depth < settings.maxDepth && frontier.length > 0 && !groups.full;
    depth++
  ) {
    const parents =
      settings.mode === 'memberOf'
        ? await memberOfOf(connection, settings.attribute, frontier)
        : await memberSearch(connection, settings, frontier);
    frontier = parents.flatMap((dn) => groups.add(dn) ?? []);
  }
  return [...groups.seen.values()];
}

/** Groups that list any of `members` in their member attribute. */
async function memberSearch(
  connection: DirectoryConnection,
  settings: Extract<GroupSettings, { mode: 'member' }>,
  members: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (let start = 0; start < members.length; start += chunkSize) {
    const terms = members
      .slice(start, start + chunkSize)
      .map((dn) => `(${settings.memberAttribute}=${escapeLdapFilterValue(dn)})`)
      .join('');
    const entries = await connection.search(settings.base, {
      scope: settings.scope,
      filter: `(&${settings.filter}(|${terms}))`,
      attributes: ['1.1'],
      sizeLimit: settings.maxGroups,
    });
    for (const entry of entries) found.push(entry.dn);
  }
  return found;
}

/** The memberOf values of each of `groups` (one base-scope read each, in parallel). */
async function memberOfOf(
  connection: DirectoryConnection,
  attribute: string,
  groups: readonly string[],
): Promise<string[]> {
  const key = attribute.toLowerCase();
  const reads = groups.map(async (dn) => {
    try {
      const entries = await connection.search(dn, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: [attribute],
      });
      return entries.flatMap((entry) => entry.attributes[key] ?? []);
    } catch (err) {
      // A group that is gone, or that the service account may not read, has no parents we can see.
      if (err instanceof DirectoryError && err.kind === 'rejected') return [];
      throw err;
    }
  });
  return (await Promise.all(reads)).flat();
}
