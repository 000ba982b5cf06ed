import { AlertDeliveryError } from '../../alert-channel.js';

/** How syslog messages leave the process: UDP datagrams, or a TCP or TLS stream. */
export interface SyslogTransport {
  /**
   * Send messages (each one already formatted), resolving once all are handed to the socket.
   *
   * @throws AlertDeliveryError (retryable) when the socket fails, times out or `signal` aborts.
   */
  send(messages: readonly Buffer[], signal: AbortSignal): Promise<void>;
  /** Close the socket. */
  close(): Promise<void>;
}

/** Where a transport connects, and its bounds. */
export interface SyslogEndpoint {
  /** The channel's name, for errors. */
  readonly channel: string;
  /** Host name or IP address. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Longest wait for a connection or a write, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * A retryable delivery error naming what failed and the system error code (never a message
 * from the peer, which the peer controls).
 */
export function socketFailure(channel: string, what: string, cause?: unknown): AlertDeliveryError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const suffix = typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? ` (${code})` : '';
  return new AlertDeliveryError(channel, `${what}${suffix}`, cause === undefined ? {} : { cause });
}

/**
 * Wait for `promise`, but reject when `signal` aborts or `timeoutMs` passes, calling `onGiveUp`
 * first (to destroy a socket that may hold a half-written frame).
 */
export function bounded<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  timeoutMs: number,
  failure: (what: string, cause?: unknown) => AlertDeliveryError,
  onGiveUp: () => void = () => undefined,
): Promise<T> {
  if (signal.aborted) {
    onGiveUp();
    promise.catch(() => undefined);
    return Promise.reject(failure('the attempt was aborted', signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const stop = (error: AlertDeliveryError): void => {
      cleanup();
      onGiveUp();
      reject(error);
    };
    const onAbort = (): void => stop(failure('the attempt was aborted', signal.reason));
    const timer = setTimeout(() => stop(failure(`no progress within ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.();
    const cleanup = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
