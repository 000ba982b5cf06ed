import { SecbotError } from '@secbot/core';
import { parse as parseYaml } from 'yaml';

/** Largest document text accepted, in characters. */
export const maxDocumentTextLength = 10 * 1024 * 1024;

/**
 * Parse configuration text as JSON, or else as YAML (aliases bounded, duplicate keys refused).
 * `what` names the document in errors, e.g. `rbac policy`.
 *
 * @throws SecbotError `CONFIG_INVALID` for missing or oversized text, or text that is neither.
 */
export function parseJsonOrYaml(text: string, what: string): unknown {
  if (typeof text !== 'string' || text.length > maxDocumentTextLength) {
    throw new SecbotError('CONFIG_INVALID', `${what}: text missing or larger than 10 MiB`);
  }
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false });
    } catch (cause) {
      throw new SecbotError('CONFIG_INVALID', `${what}: neither valid JSON nor valid YAML`, { cause });
    }
  }
}
