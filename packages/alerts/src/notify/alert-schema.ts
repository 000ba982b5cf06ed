import { z } from 'zod';
import type { Alert } from '../alert.js';
import type { Notification } from '../alert-channel.js';

/** Bounds on an alert handed to the notifier: anything larger is refused, not truncated. */
export const alertLimits = {
  maxTextLength: 1024,
  maxLabels: 64,
  maxLabelNameLength: 128,
  maxSamples: 5,
  maxSampleFields: 32,
  maxMitre: 32,
} as const;

const text = z.string().max(alertLimits.maxTextLength);
const name = z.string().min(1).max(alertLimits.maxLabelNameLength);
const epochMs = z.number().finite();
const boundedRecord = <V extends z.ZodType>(value: V, max: number) =>
  z.record(name, value).refine((record) => Object.keys(record).length <= max, `at most ${max} entries`);

/**
 * The shape of an {@link Alert}, bounded. Parsing keeps only the Alert fields, so nothing else a
 * caller attached (a raw event, a token) can reach a channel.
 */
export const alertSchema: z.ZodType<Alert> = z
  .object({
    id: z.string().min(1).max(128),
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
    ruleId: name,
    title: text,
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    summary: text,
    groupKey: text,
    labels: boundedRecord(text, alertLimits.maxLabels),
    mitre: z.array(z.string().max(32)).max(alertLimits.maxMitre),
    count: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    firstSeen: epochMs,
    lastSeen: epochMs,
    samples: z
      .array(boundedRecord(z.union([text, z.number(), z.boolean(), z.null()]), alertLimits.maxSampleFields))
      .max(alertLimits.maxSamples),
    status: z.enum(['firing', 'resolved']),
    resolvedAt: epochMs.optional(),
  })
  .transform((alert): Alert => {
    const { resolvedAt, ...rest } = alert;
    return resolvedAt === undefined ? rest : { ...rest, resolvedAt };
  });

/** The shape of a {@link Notification}, for reading one back from the outbox journal. */
export const notificationSchema: z.ZodType<Notification> = z
  .object({
    id: z.string().min(1).max(128),
    receiver: name,
    status: z.enum(['firing', 'resolved']),
    groupKey: text,
    groupLabels: boundedRecord(text, alertLimits.maxLabels),
    alerts: z.array(alertSchema).max(1000),
    truncatedAlerts: z.number().int().min(0),
    createdAt: epochMs,
  })
  .transform((notification): Notification => notification);
