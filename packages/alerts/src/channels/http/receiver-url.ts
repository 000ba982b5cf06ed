import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Whether a host name is a loopback host: `localhost`, an address in `127.0.0.0/8`, or `::1`
 * (also written as an IPv4-mapped IPv6 address).
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (!ipaddr.isValid(bare)) return false;
  return ipaddr.process(bare).range() === 'loopback';
}

/**
 * Whether a URL may receive alerts: `https:`, or plain `http:` to a loopback host only (tests,
 * a relay on the same machine), and no user name or password in it.
 */
export function isAllowedReceiverUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

// The message never quotes the URL: receiver URLs often carry a token (Slack, Teams, Mattermost).
const urlRule = 'must be an https: URL without credentials (http: only for localhost, 127.0.0.0/8 or ::1)';

/** Zod schema of a receiver URL option; the output is the normalised URL text. */
export const receiverUrlSchema = z
  .string()
  .max(4096)
  .refine(isAllowedReceiverUrl, urlRule)
  .transform((value) => new URL(value).href);

/** Zod schema of a service base URL option (PagerDuty, Opsgenie, Twilio): a receiver URL, no trailing `/`. */
export const baseUrlSchema = receiverUrlSchema.transform((href) => href.replace(/\/+$/, ''));
