// Value patterns of the redactor: credentials that are recognisable by their shape wherever they
// appear inside a string. Every pattern is linear-time: no quantified group contains a quantifier,
// every repeated character class is bounded on the left by a literal anchor or a lookbehind that
// forbids starting inside a run, so a hostile string is scanned in O(n) (tested on 100 KB inputs).

/** One built-in value pattern: the regex, the literal text that must be present, and its label. */
export interface ValuePattern {
  /** Short name, used in docs and tests. */
  readonly name: string;
  /** Global regex; the match is replaced. */
  readonly regex: RegExp;
  /** What is written before the replacement: `$1` keeps group 1 (a scheme, a key name, `://`). */
  readonly prefix: string;
  /** Text (matched case-insensitively) of which at least one must occur for the regex to match. */
  readonly anchors: readonly string[];
}

const b64url = 'A-Za-z0-9_\\-';

/** The built-in value patterns, applied to every string value and key. */
export const defaultValuePatterns: readonly ValuePattern[] = [
  {
    name: 'pem-private-key',
    prefix: '',
    // Up to the END line, or to the end of the string when the block was cut: fail closed.
    regex:
      /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,48}-----|$)/g,
    anchors: ['-----BEGIN'],
  },
  {
    name: 'authorization-credentials',
    prefix: '$1 ',
    regex: /(?<![A-Za-z0-9])(Bearer|Basic)[ \t]{1,16}[A-Za-z0-9._~+/=-]{8,}/gi,
    anchors: ['bearer', 'basic'],
  },
  {
    name: 'jwt',
    prefix: '',
    regex: new RegExp(`(?<![${b64url}])eyJ[${b64url}]{4,}\\.[${b64url}.]{4,}`, 'g'),
    anchors: ['eyJ'],
  },
  {
    name: 'url-credentials',
    prefix: '$1',
    regex: /(:\/\/)[^\s/?#@:]{1,256}:[^\s/?#@]{1,256}(?=@)/g,
    anchors: ['://'],
  },
  {
    name: 'secret-assignment',
    prefix: '$1',
    // password=..., access_token=... in query strings, form bodies and log text.
    regex:
      /(?<![A-Za-z0-9_])((?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|api-key|private_key|session)=)[^&\s#;,]+/gi,
    anchors: ['passw', 'pwd=', 'secret=', 'token=', 'key=', 'session='],
  },
  {
    name: 'secret-json-member',
    prefix: '$1',
    // "password": "..." inside a JSON string that was logged as text.
    regex:
      /("(?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api_key|apikey|private_key|authorization|cookie)"[ \t]{0,8}:[ \t]{0,8}")(?:[^"\\]|\\.)*(?="|$)/gi,
    anchors: ['passw', 'pwd"', 'secret"', 'token"', 'key"', 'authorization"', 'cookie"'],
  },
  {
    name: 'stripe-key',
    prefix: '',
    regex:
      /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{16,}/g,
    anchors: ['_live_', '_test_', 'whsec_'],
  },
  {
    name: 'slack-token',
    prefix: '',
    regex: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g,
    anchors: ['xox'],
  },
  {
    name: 'github-token',
    prefix: '',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  },
  {
    name: 'gitlab-token',
    prefix: '',
    regex: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/g,
    anchors: ['glpat-'],
  },
  {
    name: 'aws-access-key-id',
    prefix: '',
    regex: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g,
    anchors: ['akia', 'asia', 'abia', 'acca'],
  },
  {
    name: 'google-api-key',
    prefix: '',
    regex: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/g,
    anchors: ['aiza'],
  },
  {
    name: 'sk-dash-key',
    prefix: '',
    // OpenAI, Anthropic and similar `sk-...` keys.
    regex: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    anchors: ['sk-'],
  },
  {
    name: 'npm-token',
    prefix: '',
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/g,
    anchors: ['npm_'],
  },
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A compiled string scrubber: returns the input itself when nothing matched. */
export type StringScrubber = (text: string) => string;

/**
 * Compile the built-in and caller patterns into one scrubber. The built-ins run only when one cheap
 * anchor test hits (most strings in an audit event are ids and action names and never do); caller
 * patterns run on every string.
 *
 * @param builtIns - Built-in patterns to use (all of them, or none).
 * @param custom - Caller patterns; the whole match is replaced.
 * @param replacement - Replacement text.
 */
export function compileScrubber(
  builtIns: readonly ValuePattern[],
  custom: readonly RegExp[],
  replacement: string,
): StringScrubber {
  const safe = replacement.replace(/\$/g, '$$$$');
  const compiled = builtIns.map((pattern) => ({
    regex: pattern.regex,
    template: `${pattern.prefix}${safe}`,
  }));
  const anchorList = builtIns.flatMap((pattern) => pattern.anchors);
  const trigger = anchorList.length === 0 ? null : new RegExp(anchorList.map(escapeRegExp).join('|'), 'i');
  const customs = custom.map((regex) => {
    const flags = regex.flags.replace(/[gy]/g, '');
    return new RegExp(regex.source, `${flags}g`);
  });
  return (text) => {
    let out = text;
    if (trigger?.test(text)) {
      for (const rule of compiled) {
        rule.regex.lastIndex = 0;
        out = out.replace(rule.regex, rule.template);
      }
    }
    for (const regex of customs) {
      regex.lastIndex = 0;
      out = out.replace(regex, safe);
    }
    return out;
  };
}
