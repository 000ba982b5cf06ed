import type { Clock } from '@secbot/core';
import { AlertDeliveryError } from '../../alert-channel.js';

/** Most bytes of a receiver's answer that are read (and then discarded); the rest is cancelled. */
export const maxResponseBytes = 64 * 1024;

/** One POST to a receiver. */
export interface HttpPost {
  /** The channel's name, for error messages. */
  readonly channel: string;
  /** Where to. May carry a secret: it never appears in an error. */
  readonly url: string;
  /** Request headers (besides `user-agent`). May carry a secret: never in an error. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body. */
  readonly body: string;
  /** The deadline of this request, in milliseconds. */
  readonly timeoutMs: number;
  /** The send context's signal. */
  readonly signal: AbortSignal;
  /** Clock for `Retry-After` dates. */
  readonly now: Clock;
}

/**
 * POST to a receiver and resolve when it answered 2xx. Redirects are not followed (a 3xx is a
 * failure, so a signed payload or a credential never goes to another host). At most
 * {@link maxResponseBytes} of the answer are read, and never used in a message.
 *
 * @throws AlertDeliveryError from `AlertDeliveryError.fromResponse` for a non-2xx status; a
 *   retryable one for a network failure, a timeout or an aborted signal.
 */
export async function httpPost(post: HttpPost): Promise<void> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, post.timeoutMs);
  const onAbort = (): void => controller.abort();
  if (post.signal.aborted) controller.abort();
  else post.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await fetch(post.url, {
        method: 'POST',
        headers: { 'user-agent': 'secbot-alerts', ...post.headers },
        body: post.body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      const what = timedOut
        ? `no answer within ${post.timeoutMs} ms`
        : post.signal.aborted
          ? 'the send was aborted'
          : 'the request failed (network error)';
      throw new AlertDeliveryError(post.channel, what, { retryable: true, cause: error });
    }
    await drain(response);
    if (response.status < 200 || response.status > 299) {
      throw AlertDeliveryError.fromResponse(post.channel, response, post.now());
    }
  } finally {
    clearTimeout(timer);
    post.signal.removeEventListener('abort', onAbort);
  }
}

// Reads a bounded prefix of the body so a well-behaved connection can be reused, then cancels the
// rest. A body that breaks off or never ends (until the deadline) changes nothing: the status decided.
async function drain(response: Response): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let total = 0;
  try {
    while (total <= maxResponseBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The body failed or was aborted by the deadline; the status is all that counts.
  }
}
