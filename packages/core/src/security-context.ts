import type { Principal } from './principal.js';

/** Where a request or turn came from. */
export type Channel = 'http' | 'websocket' | 'botframework' | 'cli' | (string & {});

/** The one object an adapter builds per request or turn, and hands to every feature. */
export interface SecurityContext {
  /** Unique id of this request or turn, carried into events and audit lines. */
  readonly requestId: string;
  /** Who is acting, once authenticated. */
  readonly principal?: Principal;
  /** Tenant the request belongs to (from the principal, the host, or the bot channel). */
  readonly tenantId?: string;
  /** Transport the request arrived on. */
  readonly channel: Channel;
  /** Client IP address, resolved through trusted proxies only. */
  readonly ip?: string;
  /** Client user agent, bounded and stripped of control characters. */
  readonly userAgent?: string;
  /** When the request arrived, epoch milliseconds. */
  readonly receivedAt: number;
}
