import type { NotificationChannel, NotificationType } from '@ppt/api-db';

/** Urgent-ish things also go by e-mail unless the user says otherwise; push is opt-in. */
const EMAIL_BY_DEFAULT: readonly NotificationType[] = [
  'announcement',
  'payment_overdue',
  'vote',
  'lease_ending',
  'portal_credentials',
  // Readings missed by the deadline are estimated; the occupant hears of it by e-mail too.
  'meter_reading',
  // A lead goes cold within hours; the realtor hears of it by e-mail too.
  'listing_inquiry',
];

export function defaultEnabled(type: NotificationType, channel: NotificationChannel): boolean {
  if (channel === 'in_app') return true;
  if (channel === 'email') return EMAIL_BY_DEFAULT.includes(type);
  return false;
}
