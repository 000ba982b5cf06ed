import { randomUUID } from 'node:crypto';
import { type Clock, SecbotError } from '@secbot/core';
import { z } from 'zod';
import type { Alert } from '../alert.js';
import {
  type AlertMatcher,
  type AlertPredicate,
  alertMatcherSchema,
  compileMatcher,
  isEmptyMatcher,
} from './alert-matcher.js';
import { parseArgument } from './parse-argument.js';

/** What `Notifier.silence` takes: which alerts to mute, for how long, by whom and why. */
export interface SilenceInput {
  /** The alerts it mutes; at least one condition (a silence cannot mute everything). */
  readonly matchers: AlertMatcher;
  /** When it starts to apply, epoch ms. Default: now. */
  readonly startsAt?: number;
  /** When it stops applying, epoch ms; must be in the future and after `startsAt`. */
  readonly endsAt: number;
  /** Who created it (a user id), for the record. */
  readonly author: string;
  /** Why, for the record (e.g. a ticket number). */
  readonly reason: string;
}

/** Where a silence stands at a given time. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence: while active, alerts it matches are kept and counted but not notified. */
export interface Silence {
  /** Its id, for `expireSilence`. */
  readonly id: string;
  /** The alerts it mutes. */
  readonly matchers: AlertMatcher;
  /** When it starts to apply, epoch ms. */
  readonly startsAt: number;
  /** When it stops applying, epoch ms (moved to the expiry time by `expireSilence`). */
  readonly endsAt: number;
  /** Who created it. */
  readonly author: string;
  /** Why. */
  readonly reason: string;
  /** When it was created, epoch ms. */
  readonly createdAt: number;
  /** Its state when it was read. */
  readonly state: SilenceState;
}

/** The silences of one notifier. */
export interface Silences {
  add(input: SilenceInput): Silence;
  expire(id: string): boolean;
  list(): readonly Silence[];
  isSilenced(alert: Alert): boolean;
}

/** Most silences that may be pending or active at once. */
export const maxLiveSilences = 1000;
/** How long expired silences stay listed. */
const expiredRetentionMs = 5 * 86_400_000;

const inputSchema = z.strictObject({
  matchers: alertMatcherSchema.refine(
    (matcher) => !isEmptyMatcher(matcher),
    'must set at least one condition',
  ),
  startsAt: z.number().finite().optional(),
  endsAt: z.number().finite(),
  author: z.string().trim().min(1).max(256),
  reason: z.string().trim().min(1).max(1024),
});

interface Entry {
  readonly silence: Omit<Silence, 'state' | 'endsAt'>;
  endsAt: number;
  readonly matches: AlertPredicate;
}

/**
 * Create the silence registry of a notifier (kept in memory, per instance).
 *
 * @param now - The clock.
 */
export function createSilences(now: Clock): Silences {
  const entries = new Map<string, Entry>();
  const stateAt = (entry: Entry, at: number): SilenceState =>
    at >= entry.endsAt ? 'expired' : at < entry.silence.startsAt ? 'pending' : 'active';
  const view = (entry: Entry, at: number): Silence =>
    Object.freeze({ ...entry.silence, endsAt: entry.endsAt, state: stateAt(entry, at) });
  const prune = (at: number): void => {
    for (const [id, entry] of entries) if (at - entry.endsAt > expiredRetentionMs) entries.delete(id);
  };

  return {
    add(input) {
      const parsed = parseArgument(inputSchema, input, 'silence');
      const at = now();
      const startsAt = parsed.startsAt ?? at;
      if (parsed.endsAt <= at || parsed.endsAt <= startsAt) {
        throw new SecbotError('ARGUMENT_INVALID', 'silence: endsAt must be in the future and after startsAt');
      }
      prune(at);
      let live = 0;
      for (const entry of entries.values()) if (stateAt(entry, at) !== 'expired') live += 1;
      if (live >= maxLiveSilences) {
        throw new SecbotError('ARGUMENT_INVALID', `silence: at most ${maxLiveSilences} silences may be live`);
      }
      const matchers = structuredClone(parsed.matchers) as AlertMatcher;
      const entry: Entry = {
        silence: {
          id: randomUUID(),
          matchers,
          startsAt,
          author: parsed.author,
          reason: parsed.reason,
          createdAt: at,
        },
        endsAt: parsed.endsAt,
        matches: compileMatcher(matchers),
      };
      entries.set(entry.silence.id, entry);
      return view(entry, at);
    },
    expire(id) {
      const entry = typeof id === 'string' ? entries.get(id) : undefined;
      const at = now();
      if (entry === undefined || stateAt(entry, at) === 'expired') return false;
      entry.endsAt = at;
      return true;
    },
    list() {
      const at = now();
      prune(at);
      return [...entries.values()].map((entry) => view(entry, at));
    },
    isSilenced(alert) {
      const at = now();
      for (const entry of entries.values()) {
        if (stateAt(entry, at) === 'active' && entry.matches(alert)) return true;
      }
      return false;
    },
  };
}
