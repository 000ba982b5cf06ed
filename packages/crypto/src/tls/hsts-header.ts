import { parseOptions } from '@secbot/core';
import { z } from 'zod';

/** Options of {@link hstsHeader}. */
export interface HstsOptions {
  /** How long browsers remember to use HTTPS only, in seconds; at least 86400 (one day). Default 31536000 (one year). */
  readonly maxAgeSec?: number;
  /** Apply to every subdomain too. Default `true`. */
  readonly includeSubDomains?: boolean;
  /**
   * Ask to be built into browsers' preload lists (hstspreload.org). Requires `includeSubDomains`
   * and `maxAgeSec` of at least 31536000. Default `false`: preloading is hard to undo.
   */
  readonly preload?: boolean;
}

const oneYear = 31_536_000;

const schema = z
  .strictObject({
    maxAgeSec: z.int().min(86_400, 'must be at least 86400 (one day)').default(oneYear),
    includeSubDomains: z.boolean().default(true),
    preload: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    if (!options.preload) return;
    if (!options.includeSubDomains) {
      ctx.addIssue({
        code: 'custom',
        path: ['includeSubDomains'],
        message: 'preload requires includeSubDomains',
      });
    }
    if (options.maxAgeSec < oneYear) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxAgeSec'],
        message: `preload requires at least ${oneYear} (one year)`,
      });
    }
  });

/**
 * Build a `Strict-Transport-Security` header value (RFC 6797), validated against the
 * hstspreload.org rules when `preload` is set. Compute it once at start-up and send it on every
 * HTTPS response.
 *
 * @param options - Lifetime, subdomains and preload.
 * @returns The header value, e.g. `max-age=31536000; includeSubDomains`.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option: `maxAgeSec` below one day or not an
 *   integer, or `preload` without `includeSubDomains` and a one-year `maxAgeSec`.
 * @example
 * ```ts
 * import https from 'node:https';
 * import { hstsHeader, secureServerOptions } from '@secbot/crypto';
 *
 * const hsts = hstsHeader({ preload: true }); // 'max-age=31536000; includeSubDomains; preload'
 * const tlsConfig = secureServerOptions({ certFile: 'fullchain.pem', keyFile: 'key.pem' });
 * https.createServer(tlsConfig.options, (req, res) => {
 *   res.setHeader('Strict-Transport-Security', hsts);
 *   res.end('ok');
 * }).listen(8443);
 * ```
 */
export function hstsHeader(options: HstsOptions = {}): string {
  const { maxAgeSec, includeSubDomains, preload } = parseOptions(schema, options, 'hstsHeader');
  return `max-age=${maxAgeSec}${includeSubDomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`;
}
