import type { DetectionRule } from './detection-rule.js';

const minute = 60_000;

/** Settings the access rules are built from. */
export interface AccessRuleSettings {
  /** Roles whose grants count as admin actions. */
  readonly adminRoles: readonly string[];
  /** Permissions that export data (transcripts). */
  readonly exportPermissions: readonly string[];
}

/**
 * Built-in rules on authorization and data access:
 * - `rbac.denials.burst`: 10 `access.denied` for one actor in 5 minutes (probing, T1069).
 * - `rbac.denials.spike`: a tenant's `access.denied` in 5 minutes at 3x the mean of the hour
 *   before, and at least 10 (T1069).
 * - `rbac.self-grant`: a role granted to oneself (T1098, T1548).
 * - `rbac.admin-after-role-change`: an admin action (an `access.granted` through an admin role)
 *   within 15 minutes of a role being granted to that actor (T1098, T1078).
 * - `data.export-after-role-change`: 10 exports within an hour of a role being granted (T1098, T1213).
 * - `data.mass-export`: 20 exports by one actor in 10 minutes (T1213).
 * - `admin.off-hours`: an admin action outside 07:00-20:00 Monday to Friday in the tenant's
 *   time zone, at most one alert per actor and hour (T1078).
 *
 * Role grants are `role.granted` events, `{ type: 'role.granted', actor: { id }, subject: { id }, role }`
 * (`actor` granted `role` to `subject`), which an application's user administration emits.
 *
 * @param settings - Admin roles and export permissions.
 * @returns The rules.
 */
export function accessRules(settings: AccessRuleSettings): DetectionRule[] {
  const adminAction = { type: 'access.granted', where: { role: { in: [...settings.adminRoles] } } };
  const exportAction = {
    type: 'access.granted',
    where: { permission: { in: [...settings.exportPermissions] } },
  };
  const roleGranted = { type: 'role.granted', where: { 'subject.id': { exists: true } } };
  return [
    {
      id: 'rbac.denials.burst',
      kind: 'threshold',
      title: 'Burst of access denials',
      severity: 'medium',
      mitre: ['T1069'],
      match: { type: 'access.denied' },
      groupBy: ['actor.id'],
      windowMs: 5 * minute,
      count: 10,
      cooldownMs: 15 * minute,
      summary: '{{actor.id}} was denied {{$count}} times within 5 minutes (last: {{permission}})',
    },
    {
      id: 'rbac.denials.spike',
      kind: 'spike',
      title: 'Spike of access denials',
      severity: 'high',
      mitre: ['T1069'],
      match: { type: 'access.denied' },
      groupBy: ['tenantId'],
      windowMs: 5 * minute,
      baselineWindows: 12,
      factor: 3,
      minimum: 10,
      summary: '{{$count}} access denials in 5 minutes for {{$groupKey}}, over 3x the last hour',
    },
    {
      id: 'rbac.self-grant',
      kind: 'every',
      title: 'Role granted to oneself',
      severity: 'critical',
      mitre: ['T1098', 'T1548'],
      match: { type: 'role.granted', where: { 'actor.id': { sameAs: 'subject.id' } } },
      groupBy: ['actor.id'],
      summary: '{{actor.id}} granted role {{role}} to themselves',
    },
    {
      id: 'rbac.admin-after-role-change',
      kind: 'sequence',
      title: 'Admin action right after a role change',
      severity: 'high',
      mitre: ['T1098', 'T1078'],
      groupBy: ['actor.id'],
      steps: [{ match: roleGranted, groupBy: ['subject.id'] }, { match: adminAction }],
      maxSpanMs: 15 * minute,
      summary: '{{actor.id}} used admin permission {{permission}} within 15 minutes of a role change',
    },
    {
      id: 'data.export-after-role-change',
      kind: 'sequence',
      title: 'Mass export right after a role change',
      severity: 'critical',
      mitre: ['T1098', 'T1213'],
      groupBy: ['actor.id'],
      steps: [
        { match: roleGranted, groupBy: ['subject.id'] },
        { match: exportAction, count: 10 },
      ],
      maxSpanMs: 60 * minute,
      summary: '{{actor.id}} exported {{$count}} times within an hour of a role change',
    },
    {
      id: 'data.mass-export',
      kind: 'threshold',
      title: 'Mass export of transcripts',
      severity: 'high',
      mitre: ['T1213'],
      match: exportAction,
      groupBy: ['actor.id'],
      windowMs: 10 * minute,
      count: 20,
      cooldownMs: 30 * minute,
      summary: '{{actor.id}} ran {{$count}} exports within 10 minutes',
    },
    {
      id: 'admin.off-hours',
      kind: 'time-of-day',
      title: 'Admin access outside business hours',
      severity: 'medium',
      mitre: ['T1078'],
      match: adminAction,
      groupBy: ['actor.id'],
      allowedHours: { from: 7, to: 20 },
      allowedWeekdays: [1, 2, 3, 4, 5],
      cooldownMs: 60 * minute,
      summary: '{{actor.id}} used {{permission}} outside business hours',
    },
  ];
}
