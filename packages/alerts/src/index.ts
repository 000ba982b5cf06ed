/**
 * Real-time detection of attacks from the security event bus, and alert notifications that reach
 * people: routing, grouping, dedupe, inhibition and silences in the model of Prometheus
 * Alertmanager; a retrying, rate-limited outbox; webhooks, chat, paging, email, SMS and syslog.
 *
 * @module @secbot/alerts
 */
export type { Alert, AlertSample, AlertStatus, DetectionEvent } from './alert.js';
export {
  type AlertChannel,
  AlertDeliveryError,
  type AlertDeliveryErrorOptions,
  type ChannelSendContext,
  maxRetryAfterMs,
  type Notification,
  parseRetryAfter,
} from './alert-channel.js';
export { type EmailChannelOptions, emailChannel } from './channels/email/email-channel.js';
export type { HttpChannelOptions } from './channels/http/channel-options.js';
export { type MattermostChannelOptions, mattermostChannel } from './channels/http/mattermost-channel.js';
export { type OpsgenieChannelOptions, opsgenieChannel } from './channels/http/opsgenie-channel.js';
export {
  type OpsgenieRequest,
  type OpsgenieRequestOptions,
  opsgenieAlertRequests,
} from './channels/http/opsgenie-request.js';
export { type PagerDutyChannelOptions, pagerDutyChannel } from './channels/http/pagerduty-channel.js';
export { type SlackChannelOptions, slackChannel } from './channels/http/slack-channel.js';
export type { WebhookSecret } from './channels/http/standard-webhooks.js';
export { type TeamsChannelOptions, teamsChannel } from './channels/http/teams-channel.js';
export { type TwilioSmsChannelOptions, twilioSmsChannel } from './channels/http/twilio-sms-channel.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookReplayGuard,
  type WebhookReplayStore,
  type WebhookVerifier,
} from './channels/http/verify-webhook.js';
export {
  type WebhookChannelOptions,
  type WebhookPayload,
  webhookChannel,
} from './channels/http/webhook-channel.js';
export { type CefEvent, formatCef } from './channels/syslog/cef.js';
export {
  type FormatSyslogOptions,
  formatSyslog5424,
  type SyslogFacility,
  type SyslogMessage,
  type SyslogSeverity,
  type SyslogStructuredData,
  syslogFacilities,
} from './channels/syslog/syslog-5424.js';
export { type SyslogChannelOptions, syslogChannel } from './channels/syslog/syslog-channel.js';
export type { PemInput, TlsClientOptions } from './channels/tls-client-options.js';
export { type Alerts, type AlertsOptions, createAlerts, detectionEventFromAudit } from './create-alerts.js';
export type { DeadLetter } from './deliver/dead-letter.js';
export type { DeliveryOptions } from './deliver/delivery-options.js';
export type { DeliveryStats } from './deliver/delivery-stats.js';
export type { RateLimit } from './deliver/rate-limiter.js';
export { systemTimers, type Timers } from './deliver/timers.js';
export { alertFingerprint } from './detect/alert-emitter.js';
export {
  type BuiltinRuleOverride,
  type BuiltinRulesOptions,
  builtinRuleIds,
  builtinRules,
} from './detect/builtin-rules.js';
export {
  createDetector,
  type Detector,
  type DetectorOptions,
  type RuleInfo,
} from './detect/create-detector.js';
export type {
  DetectionRule,
  DetectionRuleBase,
  DetectionRuleKind,
  DistinctRule,
  EventMatch,
  EveryRule,
  FieldCondition,
  FieldScalar,
  FirstSeenRule,
  HourRange,
  RuleAllowList,
  SequenceRule,
  SequenceStep,
  SpikeRule,
  ThresholdRule,
  TimeOfDayRule,
} from './detect/detection-rule.js';
export { parseRules } from './detect/parse-rules.js';
export type { SampleRedactor } from './detect/sample.js';
export type { AlertMatcher, OneOrMany } from './notify/alert-matcher.js';
export { createNotifier } from './notify/create-notifier.js';
export type { InhibitRule } from './notify/inhibition.js';
export type { Notifier, NotifierStats } from './notify/notifier.js';
export type { NotifierOptions } from './notify/notifier-options.js';
export type { Route } from './notify/route.js';
export type { Silence, SilenceInput, SilenceState } from './notify/silences.js';
export { notificationSeverity, notificationText, notificationTitle, oneLine } from './render.js';
