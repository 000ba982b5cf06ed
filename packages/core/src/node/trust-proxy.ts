import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { SecbotError } from '../secbot-error.js';

/**
 * Which proxies in front of the app are trusted to report the client address in
 * `X-Forwarded-For`:
 * - `false` (the default): none; the socket address is the client.
 * - a number `n`: the `n` hops nearest the app are proxies (e.g. `1` behind one load balancer).
 * - a list of addresses, CIDR ranges or the names `loopback`, `linklocal`, `uniquelocal`.
 *
 * There is deliberately no "trust everything" setting: it would let any client choose its address.
 */
export type TrustProxy = false | number | readonly string[];

/** Decides whether the address at a given hop (0 = the socket peer) is a trusted proxy. */
export type TrustFn = (address: string, hop: number) => boolean;

/**
 * Compile a {@link TrustProxy} setting once, at start-up.
 *
 * @param trust - The setting.
 * @returns The compiled predicate.
 * @throws SecbotError `CONFIG_INVALID` for a negative hop count or an unparsable address or range.
 */
export function compileTrustProxy(trust: TrustProxy): TrustFn {
  if (trust === false) return () => false;
  if (typeof trust === 'number') {
    if (!Number.isSafeInteger(trust) || trust < 0) {
      throw new SecbotError('CONFIG_INVALID', 'trustProxy: hop count must be a non-negative integer', {
        issues: [{ path: 'trustProxy', message: 'must be a non-negative integer' }],
      });
    }
    return (_address, hop) => hop < trust;
  }
  try {
    return proxyaddr.compile([...trust]);
  } catch (cause) {
    throw new SecbotError('CONFIG_INVALID', 'trustProxy: not an IP address, CIDR range or known name', {
      cause,
      issues: [{ path: 'trustProxy', message: 'not an IP address, CIDR range or known name' }],
    });
  }
}

/** Longest `X-Forwarded-For` value considered; the nearest hops are at its end, so the start is cut. */
const maxForwardedLength = 2048;

/**
 * The client address of a request: the socket peer, or, walking `X-Forwarded-For` from the
 * nearest hop outwards, the first address that is not a trusted proxy. IPv4-mapped IPv6 addresses
 * are returned in IPv4 form. When the chain names something that is not an IP address, the last
 * valid address before it is returned.
 *
 * @param socketAddress - `req.socket.remoteAddress`.
 * @param forwardedFor - The `X-Forwarded-For` header(s), as Node gives them.
 * @param trust - A compiled trust predicate from {@link compileTrustProxy}.
 * @returns The client address, or `undefined` when the socket has none (it was closed).
 */
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trust: TrustFn,
): string | undefined {
  if (socketAddress === undefined || !ipaddr.isValid(socketAddress)) return undefined;
  let header = Array.isArray(forwardedFor)
    ? forwardedFor.join(', ')
    : ((forwardedFor as string | undefined) ?? '');
  if (header.length > maxForwardedLength) header = header.slice(header.length - maxForwardedLength);
  const chain = proxyaddr.all(
    { headers: { 'x-forwarded-for': header }, socket: { remoteAddress: socketAddress } } as never,
    trust,
  );
  for (let i = chain.length - 1; i >= 0; i--) {
    const candidate = chain[i];
    if (candidate !== undefined && ipaddr.isValid(candidate)) return normalize(candidate);
  }
  return normalize(socketAddress);
}

function normalize(address: string): string {
  return ipaddr.process(address).toString();
}
