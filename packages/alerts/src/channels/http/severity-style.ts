import type { Notification } from '../../alert-channel.js';
import { notificationSeverity } from '../../render.js';

/** The accent colour of a notification in chat: green when resolved, else by the worst severity. */
export function severityColor(notification: Notification): string {
  if (notification.status === 'resolved') return '#2e7d32';
  switch (notificationSeverity(notification)) {
    case 'critical':
      return '#b71c1c';
    case 'high':
      return '#e65100';
    case 'medium':
      return '#f9a825';
    case 'low':
      return '#1565c0';
    case 'info':
      return '#757575';
  }
}
