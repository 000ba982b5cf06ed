import type { DetectionRule } from './detection-rule.js';

const minute = 60_000;

/**
 * Built-in rules on authentication, with fail2ban's defaults (5 retries in 10 minutes) tightened
 * per user as OWASP and Wazuh suggest:
 * - `auth.brute-force.user`: 5 `auth.failure` for one `username` in 5 minutes (T1110.001).
 * - `auth.brute-force.ip`: 20 `auth.failure` from one address in 10 minutes, IPv6 by /64 (T1110).
 * - `auth.password-spraying`: 10 distinct `username`s failing from one address in 10 minutes (T1110.003).
 * - `auth.failures-then-success`: 5 failures then an `auth.success` from one address within
 *   10 minutes: a guess that worked (T1110, T1078).
 * - `auth.token-replay`: a single-use token redeemed twice within 24 hours. It watches
 *   `token.redeemed` events, `{ type: 'token.redeemed', jti, actor?: { id }, ip? }`, which an
 *   application emits when it redeems a refresh token, magic link or invitation (`auth.success`
 *   is not used: a bearer token is presented on every request) (T1550.001).
 * - `auth.revoked-token-use`: each `auth.failure` with code `AUTH_TOKEN_REVOKED`, per address,
 *   at most one alert in 10 minutes (T1550.001).
 */
export const authRules: readonly DetectionRule[] = [
  {
    id: 'auth.brute-force.user',
    kind: 'threshold',
    title: 'Brute force against one account',
    severity: 'high',
    mitre: ['T1110.001'],
    match: { type: 'auth.failure', where: { username: { exists: true } } },
    groupBy: ['username'],
    windowMs: 5 * minute,
    count: 5,
    cooldownMs: 10 * minute,
    summary: '{{$count}} failed sign-ins for user {{username}} within 5 minutes (last from {{ip}})',
  },
  {
    id: 'auth.brute-force.ip',
    kind: 'threshold',
    title: 'Brute force from one address',
    severity: 'high',
    mitre: ['T1110'],
    match: { type: 'auth.failure', where: { ip: { exists: true } } },
    groupBy: ['ip'],
    windowMs: 10 * minute,
    count: 20,
    cooldownMs: 10 * minute,
    summary: '{{$count}} failed sign-ins from {{$groupKey}} within 10 minutes',
  },
  {
    id: 'auth.password-spraying',
    kind: 'distinct',
    title: 'Password spraying',
    severity: 'high',
    mitre: ['T1110.003'],
    match: { type: 'auth.failure', where: { ip: { exists: true }, username: { exists: true } } },
    groupBy: ['ip'],
    field: 'username',
    windowMs: 10 * minute,
    count: 10,
    cooldownMs: 10 * minute,
    summary: 'Failed sign-ins for {{$count}} different users from {{$groupKey}} within 10 minutes',
  },
  {
    id: 'auth.failures-then-success',
    kind: 'sequence',
    title: 'Sign-in succeeded after repeated failures',
    severity: 'critical',
    mitre: ['T1110', 'T1078'],
    groupBy: ['ip'],
    steps: [
      { match: { type: 'auth.failure', where: { ip: { exists: true } } }, count: 5 },
      { match: { type: 'auth.success', where: { ip: { exists: true } } } },
    ],
    maxSpanMs: 10 * minute,
    summary: '{{actor.id}} signed in from {{$groupKey}} after repeated failures ({{$count}} events)',
  },
  {
    id: 'auth.token-replay',
    kind: 'threshold',
    title: 'Single-use token replayed',
    severity: 'critical',
    mitre: ['T1550.001'],
    match: { type: 'token.redeemed', where: { jti: { exists: true } } },
    groupBy: ['jti'],
    windowMs: 24 * 60 * minute,
    count: 2,
    summary: 'Token {{jti}} redeemed {{$count}} times (last by {{actor.id}} from {{ip}})',
  },
  {
    id: 'auth.revoked-token-use',
    kind: 'every',
    title: 'Revoked token used',
    severity: 'high',
    mitre: ['T1550.001'],
    match: { type: 'auth.failure', where: { code: { equals: 'AUTH_TOKEN_REVOKED' } } },
    groupBy: ['ip'],
    cooldownMs: 10 * minute,
    summary: 'A revoked token was presented from {{$groupKey}} ({{$count}} times)',
  },
];
