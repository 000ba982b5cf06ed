import { storeLimits } from '@secbot/core';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { DetectionRule } from './detection-rule.js';
import { isTimeZone } from './zoned-time.js';

const forbiddenSegments = new Set(['__proto__', 'constructor', 'prototype']);

/** A dotted field path: 1 to 8 segments of letters, digits, `_`, `$` or `-`; never a prototype name. */
export const fieldPathSchema = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+){0,7}$/, 'must be a dotted field path such as actor.id')
  .refine(
    (path) => !path.split('.').some((segment) => forbiddenSegments.has(segment)),
    'must not name __proto__, constructor or prototype',
  );

const scalar = z.union([z.string().max(1024), z.number(), z.boolean()]);

const conditionSchema = z.union([
  z.strictObject({ equals: scalar }),
  z.strictObject({ in: z.array(scalar).min(1).max(1000) }),
  z.strictObject({ exists: z.boolean() }),
  z.strictObject({ prefix: z.string().min(1).max(1024) }),
  z.strictObject({ empty: z.boolean() }),
  z.strictObject({ sameAs: fieldPathSchema }),
]);

const eventTypeSchema = z.string().min(1).max(128);

const eventMatchSchema = z.strictObject({
  type: z.union([eventTypeSchema, z.array(eventTypeSchema).min(1).max(64)]),
  where: z
    .record(fieldPathSchema, conditionSchema)
    .refine((where) => Object.keys(where).length <= 16, 'at most 16 conditions')
    .optional(),
});

const matchSchema = z.union([eventMatchSchema, z.array(eventMatchSchema).min(1).max(16)]);

const durationSchema = z.number().int().min(1).max(storeLimits.maxDurationMs);
const countSchema = z.number().int().min(1).max(10_000);
const groupBySchema = z.array(fieldPathSchema).max(4);

const cidrSchema = z
  .string()
  .max(64)
  .refine((text) => ipaddr.isValid(text) || ipaddr.isValidCIDR(text), 'must be an address or a CIDR block');

/** The zod schema of a rule's allow-list. */
export const allowListSchema = z.strictObject({
  cidrs: z.array(cidrSchema).max(1024).optional(),
  actors: z.array(z.string().min(1).max(256)).max(10_000).optional(),
  ipField: fieldPathSchema.optional(),
  actorField: fieldPathSchema.optional(),
});

const baseShape = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "-", "_" or ":"'),
  title: z.string().min(1).max(200),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  mitre: z
    .array(z.string().regex(/^(?:AML\.)?T\d{4}(?:\.\d{3})?$/, 'must be a technique id such as T1110.001'))
    .max(16)
    .optional(),
  groupBy: groupBySchema.optional(),
  allow: allowListSchema.optional(),
  cooldownMs: z.number().int().min(0).max(storeLimits.maxDurationMs).optional(),
  summary: z.string().min(1).max(1000).optional(),
  labels: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, 'must be a label name'), z.string().max(256))
    .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels')
    .optional(),
};

const weekdaySchema = z.number().int().min(0).max(6);

const stepSchema = z.strictObject({
  match: matchSchema,
  count: countSchema.optional(),
  groupBy: groupBySchema.optional(),
});

/** The zod schema of one {@link DetectionRule}. */
export const detectionRuleSchema: z.ZodType<DetectionRule> = z.discriminatedUnion('kind', [
  z.strictObject({
    ...baseShape,
    kind: z.literal('threshold'),
    match: matchSchema,
    windowMs: durationSchema,
    count: countSchema,
  }),
  z.strictObject({
    ...baseShape,
    kind: z.literal('distinct'),
    match: matchSchema,
    field: fieldPathSchema,
    windowMs: durationSchema,
    count: countSchema,
  }),
  z.strictObject({
    ...baseShape,
    kind: z.literal('first-seen'),
    match: matchSchema,
    field: fieldPathSchema,
    historyMs: durationSchema,
    includeNewGroups: z.boolean().optional(),
  }),
  z
    .strictObject({
      ...baseShape,
      kind: z.literal('sequence'),
      steps: z.array(stepSchema).min(2).max(8),
      maxSpanMs: durationSchema,
    })
    .superRefine((rule, context) => {
      const width = rule.groupBy?.length ?? 0;
      rule.steps.forEach((step, index) => {
        if (step.groupBy !== undefined && step.groupBy.length !== width) {
          context.addIssue({
            code: 'custom',
            path: ['steps', index, 'groupBy'],
            message: `must name ${width} paths, as many as the rule's groupBy`,
          });
        }
      });
    }),
  z.strictObject({
    ...baseShape,
    kind: z.literal('spike'),
    match: matchSchema,
    windowMs: durationSchema,
    baselineWindows: z.number().int().min(1).max(1000),
    factor: z.number().gt(1).max(1_000_000),
    minimum: z.number().int().min(1).max(1_000_000),
  }),
  z.strictObject({
    ...baseShape,
    kind: z.literal('time-of-day'),
    match: matchSchema,
    allowedHours: z
      .strictObject({ from: z.number().int().min(0).max(23), to: z.number().int().min(1).max(24) })
      .refine((hours) => hours.from !== hours.to, 'from and to must differ'),
    allowedWeekdays: z.array(weekdaySchema).max(7).optional(),
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone').optional(),
  }),
  z.strictObject({ ...baseShape, kind: z.literal('every'), match: matchSchema }),
]);
