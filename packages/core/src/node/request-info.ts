import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { parseOptions } from '../config.js';
import type { SecurityContext } from '../security-context.js';
import { compileTrustProxy, resolveClientIp, type TrustProxy } from './trust-proxy.js';

/** The parts of a Node `IncomingMessage` this module reads (so tests and other servers can pass their own). */
export interface NodeRequestLike {
  /** Request headers, lower-case names, as Node parses them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The socket, whose `remoteAddress` is the peer. */
  readonly socket?: { readonly remoteAddress?: string | undefined } | null;
}

/** What {@link createRequestInfo} extracts from a request. */
export interface RequestInfo {
  /** A fresh id, or the caller's when `trustRequestId` is on and it is well-formed. */
  readonly requestId: string;
  /** The client address through trusted proxies only; see {@link TrustProxy}. */
  readonly ip?: string;
  /** The user agent, at most 512 characters, control characters replaced. */
  readonly userAgent?: string;
}

/** Options of {@link createRequestInfo} and {@link createNodeContext}. */
export interface RequestInfoOptions {
  /** Which proxies may report the client address. Default `false`: none. */
  readonly trustProxy?: TrustProxy;
  /**
   * Reuse a request id sent by the client or a gateway (in `requestIdHeader`) when it is 1-128
   * characters of `[A-Za-z0-9._:-]`. Default `false`: always generate one, so clients cannot
   * choose ids that collide with others' in the audit trail.
   */
  readonly trustRequestId?: boolean;
  /** Header carrying an upstream request id. Default `x-request-id`. */
  readonly requestIdHeader?: string;
  /** Id generator. Default `crypto.randomUUID`. */
  readonly generateRequestId?: () => string;
  /** Clock for `receivedAt`. Default `Date.now`. */
  readonly now?: Clock;
}

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'must be a function');

const optionsSchema = z
  .object({
    trustProxy: z
      .union([z.literal(false), z.number().int().min(0).max(32), z.array(z.string()).readonly()])
      .default(false),
    trustRequestId: z.boolean().default(false),
    requestIdHeader: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'must be a lower-case header name')
      .default('x-request-id'),
    generateRequestId: fn<() => string>().optional(),
    now: fn<Clock>().optional(),
  })
  .strict();

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const maxUserAgentLength = 512;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
const controlChars = /[\u0000-\u001f\u007f]/g;

function firstHeader(value: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

/**
 * Compile, once, a function that reads request id, client IP and user agent from a Node request.
 * The Express and Koa adapters share it.
 *
 * @param options - Proxy trust and request-id policy.
 * @returns `(req) => RequestInfo`.
 * @throws SecbotError `CONFIG_INVALID` for bad options, naming the path.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createRequestInfo } from '@secbot/core/node';
 *
 * const info = createRequestInfo({ trustProxy: ['loopback'] });
 * createServer((req, res) => res.end(info(req).ip)).listen(0, '127.0.0.1');
 * ```
 */
export function createRequestInfo(options: RequestInfoOptions = {}): (req: NodeRequestLike) => RequestInfo {
  const config = parseOptions(optionsSchema, options, 'createRequestInfo');
  const trust = compileTrustProxy(config.trustProxy);
  const generate = config.generateRequestId ?? randomUUID;
  const idHeader = config.requestIdHeader;

  return (req) => {
    const upstreamId = config.trustRequestId ? firstHeader(req.headers[idHeader]) : undefined;
    const requestId = upstreamId !== undefined && requestIdPattern.test(upstreamId) ? upstreamId : generate();
    const ip = resolveClientIp(req.socket?.remoteAddress, req.headers['x-forwarded-for'], trust);
    const rawAgent = firstHeader(req.headers['user-agent']);
    const userAgent =
      rawAgent === undefined ? undefined : rawAgent.slice(0, maxUserAgentLength).replace(controlChars, ' ');
    return {
      requestId,
      ...(ip === undefined ? {} : { ip }),
      ...(userAgent === undefined ? {} : { userAgent }),
    };
  };
}

/**
 * Compile, once, a function that turns a Node request into a {@link SecurityContext} on the
 * `http` channel (no principal yet: identity adds it).
 *
 * @param options - As for {@link createRequestInfo}.
 * @returns `(req) => SecurityContext`.
 * @throws SecbotError `CONFIG_INVALID` for bad options.
 * @example
 * ```ts
 * import { createNodeContext } from '@secbot/core/node';
 * const toContext = createNodeContext({ trustProxy: 1 });
 * ```
 */
export function createNodeContext(
  options: RequestInfoOptions = {},
): (req: NodeRequestLike) => SecurityContext {
  const info = createRequestInfo(options);
  const now = options.now ?? systemClock;
  return (req) => ({ ...info(req), channel: 'http', receivedAt: now() });
}
