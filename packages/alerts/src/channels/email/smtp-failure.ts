import { AlertDeliveryError } from '../../alert-channel.js';

// What each nodemailer error code says failed, in words that hold no server text.
const steps: Readonly<Record<string, string>> = {
  EAUTH: 'authentication',
  ENOAUTH: 'authentication',
  ETLS: 'the TLS upgrade',
  EENVELOPE: 'the envelope',
  EMESSAGE: 'the message',
  ECONNECTION: 'the connection',
  ESOCKET: 'the connection',
  EDNS: 'the host name lookup',
  ETIMEDOUT: 'the connection (timeout)',
  EPROTOCOL: 'the SMTP dialogue',
};
// Failures that another attempt with the same options cannot fix.
const permanentCodes = new Set(['ENOAUTH', 'ECONFIG', 'EMAXRECIPIENTS']);

/**
 * The {@link AlertDeliveryError} for a nodemailer failure. A reply code (`responseCode`) becomes
 * `receiverStatus`: 4xx replies (and 503, a session in the wrong state) are retryable, other 5xx
 * replies are permanent (535 authentication failed, 550 recipient refused). Failures without a
 * reply (connection, TLS, timeout) are retryable, missing credentials are not. The message holds
 * the failed step, the reply code and the error code, never the server's text, an address or a
 * credential.
 */
export function smtpFailure(channel: string, error: unknown): AlertDeliveryError {
  const failure = (error ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown };
  if (failure.code === 'EABORT') {
    return new AlertDeliveryError(channel, 'the attempt was aborted', { cause: error });
  }
  const code =
    typeof failure.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(failure.code) ? failure.code : undefined;
  const step = (code === undefined ? undefined : steps[code]) ?? 'sending';
  const status = replyCode(failure.responseCode);
  if (status !== undefined) {
    return new AlertDeliveryError(channel, `the SMTP server refused ${step} with ${status}`, {
      retryable: status < 500 || status === 503,
      receiverStatus: status,
      cause: error,
    });
  }
  const original =
    typeof failure.originalCode === 'string' && /^[A-Z0-9_]{1,40}$/.test(failure.originalCode)
      ? `/${failure.originalCode}`
      : '';
  return new AlertDeliveryError(
    channel,
    `${step} failed${code === undefined ? '' : ` (${code}${original})`}`,
    {
      retryable: code === undefined || !permanentCodes.has(code),
      cause: error,
    },
  );
}

/**
 * The error for a message the server took for some recipients and refused for others: not
 * retryable (a retry would send duplicates to those who got it), with the first refusal's code.
 */
export function partialFailure(
  channel: string,
  refused: number,
  total: number,
  errors: readonly unknown[] | undefined,
): AlertDeliveryError {
  const status = replyCode((errors?.[0] as { responseCode?: unknown } | undefined)?.responseCode);
  return new AlertDeliveryError(
    channel,
    `the SMTP server refused ${refused} of ${total} recipients${status === undefined ? '' : ` with ${status}`}`,
    { retryable: false, ...(status === undefined ? {} : { receiverStatus: status }) },
  );
}

function replyCode(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 599
    ? value
    : undefined;
}
