import type { DetectionRule } from './detection-rule.js';

const minute = 60_000;

/**
 * Built-in rules on things that must never happen, and on content:
 * - `policy.unapproved-change`: a `policy.change.applied` with an empty `approvedBy` (T1484).
 * - `audit.chain-broken`: each `audit.chain_broken` (T1565.001, T1070).
 * - `crypto.decrypt-failures`: 3 `crypto.decrypt_failed` for one tenant in 10 minutes:
 *   tampered ciphertext or a probing attacker (T1565).
 * - `message.prompt-injection`: 3 prompt-injection hits from one address in 10 minutes, from
 *   `message.redacted` with a finding of type `PROMPT_INJECTION`, or from `injection.detected`
 *   events (`{ type: 'injection.detected', actor?, conversationId?, ip? }`) (MITRE ATLAS AML.T0051).
 * - `alerts.repeat-offender`: the same rule and group alerting 3 times within an hour raises a
 *   critical alert. It watches `alert.raised`; the detector never feeds it its own alerts.
 */
export const integrityRules: readonly DetectionRule[] = [
  {
    id: 'policy.unapproved-change',
    kind: 'every',
    title: 'Policy change applied without approval',
    severity: 'critical',
    mitre: ['T1484'],
    match: { type: 'policy.change.applied', where: { approvedBy: { empty: true } } },
    groupBy: ['changeId'],
    summary: 'Policy change {{changeId}} by {{proposedBy}} was applied with no approval',
  },
  {
    id: 'audit.chain-broken',
    kind: 'every',
    title: 'Audit chain broken',
    severity: 'critical',
    mitre: ['T1565.001', 'T1070'],
    match: { type: 'audit.chain_broken' },
    groupBy: ['source'],
    summary: 'The audit chain of {{source}} is broken at line {{seq}} ({{reason}})',
  },
  {
    id: 'crypto.decrypt-failures',
    kind: 'threshold',
    title: 'Repeated decryption failures',
    severity: 'high',
    mitre: ['T1565'],
    match: { type: 'crypto.decrypt_failed' },
    groupBy: ['tenantId'],
    windowMs: 10 * minute,
    count: 3,
    cooldownMs: 30 * minute,
    summary: '{{$count}} ciphertexts failed to open within 10 minutes ({{$groupKey}}, last code {{code}})',
  },
  {
    id: 'message.prompt-injection',
    kind: 'threshold',
    title: 'Repeated prompt injection attempts',
    severity: 'medium',
    mitre: ['AML.T0051'],
    match: [
      { type: 'message.redacted', where: { 'findings.type': { equals: 'PROMPT_INJECTION' } } },
      { type: 'injection.detected' },
    ],
    groupBy: ['ip'],
    windowMs: 10 * minute,
    count: 3,
    cooldownMs: 30 * minute,
    summary: '{{$count}} prompt injection attempts from {{$groupKey}} within 10 minutes',
  },
  {
    id: 'alerts.repeat-offender',
    kind: 'threshold',
    title: 'Repeat offender',
    severity: 'critical',
    match: { type: 'alert.raised' },
    groupBy: ['ruleId', 'groupKey'],
    windowMs: 60 * minute,
    count: 3,
    cooldownMs: 60 * minute,
    summary: 'Rule {{ruleId}} fired {{$count}} times within an hour for {{groupKey}}',
  },
];
