/**
 * Node.js helpers: for the Express and Koa adapters, request id, client address through trusted
 * proxies only, user agent, and a {@link SecurityContext} built from them; for the file stores,
 * atomic durable file replacement and directory fsync.
 *
 * @module @secbot/core/node
 */
export type { SecurityContext } from '../security-context.js';
export { removeFileDurably, syncDirectory, writeFileAtomically } from './durable-file.js';
export {
  createNodeContext,
  createRequestInfo,
  type NodeRequestLike,
  type RequestInfo,
  type RequestInfoOptions,
} from './request-info.js';
export { compileTrustProxy, resolveClientIp, type TrustFn, type TrustProxy } from './trust-proxy.js';
