import { Agent } from 'node:https';
import { parseOptions } from '@secbot/core';
import { z } from 'zod';
import { buildClientOptions, clientShape, refineClient } from './internal/client-options.js';
import type { SecureClientOptions } from './secure-client-options.js';

/** Options of {@link secureAgent}: the TLS options of {@link SecureClientOptions} plus pooling. */
export interface SecureAgentOptions extends SecureClientOptions {
  /** Keep idle connections open for reuse. Default `true`. */
  readonly keepAlive?: boolean;
  /** Most concurrent sockets per host. Default unlimited. */
  readonly maxSockets?: number;
  /** Socket idle timeout in ms. Default none. */
  readonly timeout?: number;
}

const schema = z
  .strictObject({
    ...clientShape,
    keepAlive: z.boolean().default(true),
    maxSockets: z.int().min(1).optional(),
    timeout: z.int().min(1).optional(),
  })
  .superRefine(refineClient);

/**
 * Create an `https.Agent` for outbound calls to NLP/LLM APIs and webhooks: certificates always
 * verified, TLS 1.2 or newer, AEAD suites only (see {@link tlsPolicy}), optional extra CAs,
 * public-key pins (see {@link SecureClientOptions.pins}) and a client certificate for mutual TLS.
 *
 * The agent's TLS options take precedence over per-request options, so a request made with
 * `{ agent, rejectUnauthorized: false }` is still verified. To rotate the client certificate,
 * create a new agent.
 *
 * @param options - Trust, pins, client certificate and pooling.
 * @returns The agent; pass it as `agent` to `https.request`, axios (`httpsAgent`) or got.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option: `rejectUnauthorized: false`, a malformed
 *   pin, a CA that is not a certificate, an unreadable file, a client key that does not match its
 *   certificate, or an expired client certificate.
 * @example
 * ```ts
 * import https from 'node:https';
 * import { isPinMismatchError, secureAgent } from '@secbot/crypto';
 *
 * const agent = secureAgent({
 *   pins: ['sha256/YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg=', 'sha256/Vjs8r4z+80wjNcr1YKepWQboSIRi63WsWXhIMN+eWys='],
 * });
 * https.get('https://api.llm.example/v1/models', { agent }, (res) => res.resume()).on('error', (err) => {
 *   if (isPinMismatchError(err)) console.error(err.message);
 * });
 * ```
 */
export function secureAgent(options: SecureAgentOptions = {}): Agent {
  const { keepAlive, maxSockets, timeout, ...client } = parseOptions(schema, options, 'secureAgent');
  return new Agent({
    keepAlive,
    ...(maxSockets === undefined ? {} : { maxSockets }),
    ...(timeout === undefined ? {} : { timeout }),
    ...buildClientOptions('secureAgent', client),
  });
}
