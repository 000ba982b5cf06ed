// The zod schema behind LdapProviderOptions: every check that can fail at start-up does so here,
// with CONFIG_INVALID naming the path (URLs, DNs, the filter template, TLS policy, bounds).
import type { Clock } from '@secbot/core';
import { z } from 'zod';
import type { DirectoryClient } from '../directory-client.js';
import { parseDn } from '../ldap-dn.js';
import { escapeLdapFilterValue } from '../ldap-filter.js';
import type { LdapProviderOptions } from '../ldap-provider-options.js';
import { roleMappingSchema } from '../role-mapping.js';
import { ldapFilterSyntaxError } from './ldap-filter-syntax.js';
import type { Assignable, DeepMutable, SameKeys } from './ldap-type-checks.js';

/** The placeholder for the (escaped) username in `userSearch.filter`. */
export const placeholder = '{username}';
const attributeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'attribute names are a letter then letters, digits or -');
/** Attributes that hold secrets; they are never copied into a principal. */
const secretAttributes = new Set([
  'userpassword',
  'unicodepwd',
  'authpassword',
  'sambantpassword',
  'sambalmpassword',
]);

const ldapUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'ldap:' || url.protocol === 'ldaps:') &&
        url.hostname !== '' &&
        url.username === '' &&
        url.password === '' &&
        (url.pathname === '' || url.pathname === '/') &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, 'must be ldap://host[:port] or ldaps://host[:port], without credentials, path or query');

const dn = z
  .string()
  .refine(
    (value) => (parseDn(value)?.length ?? 0) > 0,
    'must be a non-empty distinguished name (at most 8192 characters)',
  );

const filter = z.string().superRefine((value, ctx) => {
  const error = ldapFilterSyntaxError(value);
  if (error !== undefined) ctx.addIssue({ code: 'custom', message: `invalid LDAP filter: ${error}` });
});

const userFilter = z.string().superRefine((value, ctx) => {
  if (!value.includes(placeholder)) {
    ctx.addIssue({ code: 'custom', message: `must contain ${placeholder}` });
    return;
  }
  if (/\{(?!username\})[^}]*\}/.test(value)) {
    ctx.addIssue({ code: 'custom', message: `the only placeholder is ${placeholder}` });
    return;
  }
  // Check with two substitutions: a plain one, and one that is only valid in a value position
  // (so that {username} cannot stand for an attribute name or a filter operator).
  for (const sample of ['x', escapeLdapFilterValue('a*()\\\0')]) {
    const error = ldapFilterSyntaxError(value.split(placeholder).join(sample));
    if (error !== undefined) {
      ctx.addIssue({ code: 'custom', message: `invalid LDAP filter template: ${error}` });
      return;
    }
  }
});

const depth = z.number().int().min(1).max(20).default(5);
const maxGroups = z.number().int().min(1).max(4096).default(500);
const scope = z.enum(['one', 'sub']).default('sub');

const groupSearchSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('memberOf'),
      attribute: attributeName.default('memberOf'),
      nested: z.boolean().default(true),
      maxDepth: depth,
      maxGroups,
    })
    .strict(),
  z
    .object({
      mode: z.literal('member'),
      base: dn,
      scope,
      filter: filter.default('(objectClass=groupOfNames)'),
      memberAttribute: attributeName.default('member'),
      nested: z.boolean().default(true),
      maxDepth: depth,
      maxGroups,
    })
    .strict(),
  z
    .object({
      mode: z.literal('activeDirectory'),
      base: dn,
      scope,
      filter: filter.default('(objectClass=group)'),
      memberAttribute: attributeName.default('member'),
      maxGroups,
    })
    .strict(),
]);

const pemSchema = z.union([
  z.string().min(1),
  z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be text or bytes'),
]);

/** Zod schema of {@link LdapProviderOptions}. */
export const ldapProviderSchema = z
  .object({
    name: z.string().min(1).max(64).default('ldap'),
    url: ldapUrl.optional(),
    urls: z.array(ldapUrl).min(1).max(16).optional(),
    bindDN: dn,
    bindPassword: z
      .string()
      .min(1)
      .max(1024)
      .refine((value) => value.trim() !== '', 'must not be blank'),
    userSearch: z.object({ base: dn, filter: userFilter, scope }).strict(),
    groupSearch: groupSearchSchema.optional(),
    roleMapping: roleMappingSchema.default({}),
    idAttribute: attributeName.optional(),
    attributes: z.array(attributeName).max(32).default([]),
    tls: z
      .object({
        ca: z.union([pemSchema, z.array(pemSchema).min(1)]).optional(),
        servername: z.string().min(1).max(253).optional(),
        minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
        startTLS: z.boolean().default(true),
      })
      .strict()
      .default({ startTLS: true }),
    insecure: z.boolean().default(false),
    timeouts: z
      .object({
        connectMs: z.number().int().min(1).max(120_000).default(5_000),
        operationMs: z.number().int().min(1).max(300_000).default(10_000),
      })
      .strict()
      .default({ connectMs: 5_000, operationMs: 10_000 }),
    pool: z
      .object({
        size: z.number().int().min(1).max(64).default(4),
        acquireTimeoutMs: z.number().int().min(1).max(300_000).default(5_000),
        idleTimeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
        failoverRetryMs: z.number().int().min(0).max(3_600_000).default(30_000),
      })
      .strict()
      .default({ size: 4, acquireTimeoutMs: 5_000, idleTimeoutMs: 30_000, failoverRetryMs: 30_000 }),
    limits: z
      .object({
        maxUsernameLength: z.number().int().min(1).max(1024).default(256),
        maxPasswordLength: z.number().int().min(8).max(8192).default(1024),
      })
      .strict()
      .default({ maxUsernameLength: 256, maxPasswordLength: 1024 }),
    client: z
      .custom<DirectoryClient>(
        (value) => typeof (value as { connect?: unknown } | null)?.connect === 'function',
        'must be a DirectoryClient',
      )
      .optional(),
    now: z.custom<Clock>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    if ((options.url === undefined) === (options.urls === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url and urls' });
    }
    const urls = options.urls ?? (options.url === undefined ? [] : [options.url]);
    const plain = urls.some((url) => url.startsWith('ldap:'));
    if (plain && !options.tls.startTLS && !options.insecure) {
      ctx.addIssue({
        code: 'custom',
        path: ['insecure'],
        message: 'ldap:// without StartTLS sends passwords in clear text: set insecure: true to allow it',
      });
    }
    if (
      options.client !== undefined &&
      (options.tls.ca !== undefined || options.tls.servername !== undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'with a custom client, configure TLS on the client',
      });
    }
    options.attributes.forEach((name, index) => {
      if (secretAttributes.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', index],
          message: 'credentials never go into a principal',
        });
      }
    });
    for (const group of Object.keys(options.roleMapping.groups ?? {})) {
      if ((parseDn(group)?.length ?? 0) === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['roleMapping', 'groups', group],
          message: 'must be a group DN',
        });
      }
    }
  });

/** The validated options. */
export type LdapProviderSettings = z.output<typeof ldapProviderSchema>;

// The public interface and the schema must agree: this fails to compile when they drift apart.
export type OptionsMatchSchema = Assignable<
  DeepMutable<SameKeys<LdapProviderOptions, z.input<typeof ldapProviderSchema>>>,
  z.input<typeof ldapProviderSchema>
>;
