// Defence in depth for error messages: even if a caller interpolates a credential into a message,
// bearer tokens, JWT-shaped strings and PEM blocks are cut out before the message is stored.
// Every pattern is linear-time (no nested quantifiers), so hostile input cannot make it hang.
const patterns: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Longest message kept; a longer one is cut, so an error never carries a whole payload. */
const maxMessageLength = 500;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const controlChars = /[\u0000-\u001f\u007f]/g;

// One cheap test for everything the patterns below could touch; most messages pass it untouched.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const suspicious = /eyJ|-----BEGIN|bearer|basic|[\u0000-\u001f\u007f]/i;

export function scrubMessage(message: string): string {
  if (message.length <= maxMessageLength && !suspicious.test(message)) return message;
  let out = message.length > maxMessageLength * 4 ? message.slice(0, maxMessageLength * 4) : message;
  for (const pattern of patterns) {
    // Only the bearer pattern has a capture group; for the others the second argument is the offset.
    out = out.replace(pattern, (_match, scheme: unknown) =>
      typeof scheme === 'string' ? `${scheme} [REDACTED]` : '[REDACTED]',
    );
  }
  out = out.replace(controlChars, ' ');
  return out.length > maxMessageLength ? `${out.slice(0, maxMessageLength)}…` : out;
}
