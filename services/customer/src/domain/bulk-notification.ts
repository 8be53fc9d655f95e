import { AppError, type FieldViolation } from '@liaison/runtime';
import { checkIdList } from './bulk-input';

// A bulk notification request (群发) as the messaging service will receive it: which customers,
// which channel, and either a template of the messaging service or a literal text.

export type NotificationChannel = 'sms' | 'email' | 'system';

export interface NotificationInput {
  customerIds: string[];
  channel: NotificationChannel | null;
  templateId: string;
  text: string;
  subject: string;
}

export interface NotificationRequest {
  customerIds: string[];
  channel: NotificationChannel;
  templateId: string | null;
  text: string | null;
  subject: string | null;
}

export const MAX_NOTIFIED_CUSTOMERS = 1000;
const MAX_TEXT_LENGTH = 2000;
const MAX_SUBJECT_LENGTH = 200;
const TEMPLATE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
// Line breaks and tabs belong in a message; other control characters break SMS gateways.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const lengthOf = (text: string) => [...text].length;

function textViolations(text: string, templateId: string): FieldViolation[] {
  if (!text && !templateId) return [{ field: 'text', message: 'give a text or a template_id' }];
  if (text && templateId) return [{ field: 'template_id', message: 'give either a text or a template_id, not both' }];
  if (templateId)
    return TEMPLATE_ID.test(templateId) ? [] : [{ field: 'template_id', message: 'must be 1 to 100 letters, digits, _ . : -' }];
  if (lengthOf(text) > MAX_TEXT_LENGTH) return [{ field: 'text', message: `must be at most ${MAX_TEXT_LENGTH} characters` }];
  return CONTROL_CHARS.test(text) ? [{ field: 'text', message: 'must not contain control characters' }] : [];
}

function subjectViolations(subject: string, channel: NotificationChannel | null): FieldViolation[] {
  if (!subject) return [];
  if (channel === 'sms') return [{ field: 'subject', message: 'an SMS has no subject' }];
  if (lengthOf(subject) > MAX_SUBJECT_LENGTH) return [{ field: 'subject', message: `must be at most ${MAX_SUBJECT_LENGTH} characters` }];
  return CONTROL_CHARS.test(subject) || /[\r\n]/.test(subject)
    ? [{ field: 'subject', message: 'must be one line without control characters' }]
    : [];
}

export function checkNotification(input: NotificationInput): NotificationRequest {
  const customerIds = checkIdList(input.customerIds, 'customer_ids', MAX_NOTIFIED_CUSTOMERS);
  const text = input.text.normalize('NFC').trim();
  const templateId = input.templateId.trim();
  const subject = input.subject.normalize('NFC').trim();
  const violations = [
    ...(input.channel ? [] : [{ field: 'channel', message: 'must be sms, email or system' }]),
    ...textViolations(text, templateId),
    ...subjectViolations(subject, input.channel),
  ];
  if (violations.length > 0 || !input.channel) throw AppError.invalid('notification request is invalid', violations);
  return { customerIds, channel: input.channel, templateId: templateId || null, text: text || null, subject: subject || null };
}
