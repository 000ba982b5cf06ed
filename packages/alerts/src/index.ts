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
export { notificationSeverity, notificationText, notificationTitle, oneLine } from './render.js';
