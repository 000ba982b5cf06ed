// Shapes of well-known credentials, for the secrets detector. Every pattern starts with a literal
// prefix behind a lookbehind that forbids starting inside a longer token, and no quantified group
// contains a quantifier, so a hostile input is scanned in linear time.

/** One credential shape. */
export interface SecretPattern {
  /** Short name, for tests and docs. */
  readonly name: string;
  /** A global regex; the whole match is the secret. */
  readonly regex: RegExp;
  /** Extra check of the match (e.g. that a `sk-` key holds digits, unlike `sk-learn-...`). */
  readonly accept?: (match: string) => boolean;
}

const b64url = 'A-Za-z0-9_\\-';
const hasDigitAndLetter = (value: string): boolean => /\d/.test(value) && /[A-Za-z]/.test(value);

/** The built-in credential shapes (PEM blocks are found separately). */
export const secretPatterns: readonly SecretPattern[] = [
  {
    name: 'jwt',
    regex: new RegExp(`(?<![${b64url}])eyJ[${b64url}]{8,}\\.eyJ[${b64url}]{4,}\\.[${b64url}]*`, 'g'),
  },
  { name: 'aws-access-key-id', regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  {
    name: 'github-token',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g,
  },
  { name: 'gitlab-token', regex: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/g },
  { name: 'slack-token', regex: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g, accept: hasDigitAndLetter },
  {
    name: 'stripe-key',
    regex: /(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{16,})/g,
  },
  { name: 'google-api-key', regex: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  {
    name: 'openai-anthropic-key',
    regex: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    accept: (match) => /\d/.test(match) && /[A-Z]/.test(match.slice(3)),
  },
  { name: 'npm-token', regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
];

/** The header of a PEM private-key block (RSA, EC, OPENSSH, ENCRYPTED, PGP ... PRIVATE KEY). */
export const pemHeader = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;

/** What ends a PEM block. */
export const pemFooter = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
