import { parseOptions, SecbotError } from '@secbot/core';
import type { Finding } from '../finding.js';
import { injectionKind } from '../injection/injection-detector.js';
import { applyOperator } from '../operators/operator.js';
import { redactOperator } from '../operators/redact-operator.js';
import { scanText } from '../scan-text.js';
import type { VaultScope } from '../vault/vault-types.js';
import {
  defaultActions,
  type ScanAction,
  type ScanCall,
  type Scanner,
  type ScannerOptions,
  type ScanResult,
  scannerOptionsSchema,
} from './scanner-options.js';

const counts = (findings: readonly Finding[]): { type: string; count: number }[] => {
  const byType = new Map<string, number>();
  for (const finding of findings) byType.set(finding.type, (byType.get(finding.type) ?? 0) + 1);
  return [...byType].map(([type, count]) => ({ type, count }));
};

const kindOf = (finding: Finding): string =>
  finding.type === 'CANARY_LEAK' ? 'canary-leak' : (injectionKind(finding) ?? 'prompt-injection');

function checkCall(text: unknown, call: ScanCall | undefined, where: string): void {
  if (typeof text !== 'string') throw new SecbotError('ARGUMENT_INVALID', `${where}: text must be a string`);
  const id = call?.conversationId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128)
    throw new SecbotError('ARGUMENT_INVALID', `${where}: conversationId must be 1-128 characters`);
}

/**
 * The message pipeline adapters run on each chat turn: detectors (a `createPrivacy` service's,
 * plus {@link injectionDetector} and a canary's detector), then an action per finding type:
 * redact, pseudonymise (reversible placeholders in an encrypted vault), block, or allow.
 *
 * Inbound (user to bot) by default pseudonymises personal data (redacts it without a
 * pseudonymizer) and blocks `PROMPT_INJECTION` at 0.8 or more; outbound (bot to user) redacts
 * secrets and credentials in URLs, blocks `CANARY_LEAK` and, with a pseudonymizer, restores the
 * conversation's placeholders in the reply.
 *
 * A blocked message's `text` is the input with every finding redacted, never the raw text. A text
 * longer than `maxLength` is not scanned but blocked (`too-long`, empty `text`): truncating would
 * pass on an unscanned tail or cut a value in two. A detector that fails blocks the message
 * (`detector-failed`): a value it would have found may be in the text.
 *
 * Events (on `bus`): `message.redacted` with the count per type whenever findings were removed
 * from the text passed on (never values), and `injection.detected` once per kind (`override`,
 * `reveal-prompt`, `role-play`, `delimiter`, `encoded`, `canary-leak`) for prompt-injection and
 * canary findings at or above `blockConfidence`, whatever their action.
 *
 * @param options - Detectors, direction, actions, pseudonymizer, bus, bounds.
 * @returns The scanner.
 * @throws SecbotError `CONFIG_INVALID` naming the bad option (also: neither `privacy` nor
 *   `detectors`, or a `pseudonymize` action without a pseudonymizer).
 * @example
 * ```ts
 * import { createEventBus } from '@secbot/core';
 * import { createPrivacy, createScanner, injectionDetector } from '@secbot/privacy';
 *
 * const inbound = createScanner({
 *   privacy: createPrivacy(),
 *   detectors: [injectionDetector()],
 *   direction: 'inbound',
 *   bus: createEventBus(),
 * });
 * const result = await inbound.scan('Mail me at jo@example.com', { conversationId: 'c1' });
 * // result.text === 'Mail me at [EMAIL]', result.blocked === false
 * ```
 */
export function createScanner(options: ScannerOptions): Scanner {
  const o = parseOptions(scannerOptionsSchema, options, 'createScanner');
  const detectors = [...(o.privacy?.detectors ?? []), ...(o.detectors ?? [])];
  const operator = o.operator ?? redactOperator();
  const blockLabels = redactOperator();
  const { direction, pseudonymizer, bus, blockConfidence } = o;
  const fallback: ScanAction =
    o.defaultAction ??
    (direction === 'outbound' ? 'allow' : pseudonymizer === undefined ? 'redact' : 'pseudonymize');
  const actions = new Map(Object.entries({ ...defaultActions[direction], ...o.actions }));
  const actionOf = (finding: Finding): ScanAction => {
    const chosen = actions.get(finding.type) ?? fallback;
    return chosen === 'block' && finding.confidence < blockConfidence ? 'allow' : chosen;
  };

  const report = (findings: readonly Finding[], call: ScanCall, removed: readonly Finding[]): void => {
    if (bus === undefined) return;
    const base = {
      conversationId: call.conversationId,
      ...(call.tenantId === undefined ? {} : { tenantId: call.tenantId }),
    };
    if (removed.length > 0) bus.emit('message.redacted', { ...base, direction, findings: counts(removed) });
    const kinds = new Set<string>();
    for (const finding of findings) {
      if (finding.confidence < blockConfidence) continue;
      if (finding.type === 'PROMPT_INJECTION' || finding.type === 'CANARY_LEAK') kinds.add(kindOf(finding));
    }
    for (const kind of kinds) {
      bus.emit('injection.detected', {
        ...base,
        ...(call.actor === undefined ? {} : { actor: call.actor }),
        direction,
        kind,
      });
    }
  };

  return {
    async scan(text, call): Promise<ScanResult> {
      checkCall(text, call, 'scanner.scan');
      if (text.length > o.maxLength) return { text: '', findings: [], blocked: true, reasons: ['too-long'] };
      let failed = false;
      const onError = (error: unknown, detector: string): void => {
        failed = true;
        o.onError?.(error, detector);
      };
      const findings = scanText(text, detectors, { minConfidence: o.minConfidence, onError });
      const reasons = new Set<string>();
      if (failed) reasons.add('detector-failed');
      for (const finding of findings) if (actionOf(finding) === 'block') reasons.add(finding.type);
      if (reasons.size > 0) {
        report(findings, call, findings);
        const redacted = applyOperator(text, findings, blockLabels);
        return { text: redacted, findings, blocked: true, reasons: [...reasons] };
      }
      // Redact in one pass; values to pseudonymise are copied and their new spans kept.
      const removed: Finding[] = [];
      const pending: Finding[] = [];
      let out = '';
      let at = 0;
      for (const finding of findings) {
        const chosen = actionOf(finding);
        if (chosen !== 'redact' && chosen !== 'pseudonymize') continue;
        removed.push(finding);
        const value = text.slice(finding.start, finding.end);
        out += text.slice(at, finding.start);
        if (chosen === 'redact') out += operator.replace(value, finding.type);
        else {
          pending.push({ ...finding, start: out.length, end: out.length + value.length });
          out += value;
        }
        at = finding.end;
      }
      out += text.slice(at);
      const scope: VaultScope = {
        conversationId: call.conversationId,
        ...(call.tenantId === undefined ? {} : { tenant: call.tenantId }),
        ...(call.actor === undefined ? {} : { user: call.actor.id }),
      };
      // Inbound, even with nothing to replace: placeholder-shaped text the user typed is escaped.
      if (pseudonymizer !== undefined && (pending.length > 0 || direction === 'inbound')) {
        out = (await pseudonymizer.pseudonymize(out, pending, scope)).text;
      }
      if (direction === 'outbound' && o.restore && pseudonymizer !== undefined) {
        out = (await pseudonymizer.restore(out, scope)).text;
      }
      report(findings, call, removed);
      return { text: out, findings, blocked: false, reasons: [] };
    },
  };
}
