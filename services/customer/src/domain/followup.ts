import { AppError, type FieldViolation } from '@liaison/runtime';
import { todayInChina } from './lifecycle';

// Follow-up records (跟单/拜访记录) and their rules, independent of gRPC and SQL.

export const FOLLOW_UP_METHODS = ['visit', 'phone', 'wechat', 'email', 'meeting', 'other'] as const;
export type FollowUpMethod = (typeof FOLLOW_UP_METHODS)[number];

export const REMINDER_LEVELS = ['none', 'normal', 'key'] as const;
export type ReminderLevel = (typeof REMINDER_LEVELS)[number];

/** The author may change a record this long after recording it; afterwards it is history. */
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;
// Phones and laptops disagree with the server clock by a little; "now" on the device must pass.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_CONTENT = 5000;
const MAX_COMMENT = 2000;
// Newlines and tabs belong in notes; other control characters break exports and logs.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface FollowUpFields {
  contactId: string | null;
  method: FollowUpMethod;
  content: string;
  occurredAt: Date;
  /** YYYY-MM-DD, China time. */
  nextFollowUpDate: string | null;
  reminder: ReminderLevel;
}

export interface Annotation {
  id: string;
  followUpId: string;
  authorId: string;
  comment: string;
  createdAt: Date;
}

export interface FollowUp extends FollowUpFields {
  id: string;
  customerId: string;
  authorId: string;
  annotations: Annotation[];
  createdAt: Date;
  updatedAt: Date;
}

/** Fields the author may change with UpdateFollowUp, by their snake_case mask path. */
export const UPDATABLE_FOLLOW_UP_FIELDS: Record<string, keyof FollowUpFields> = {
  contact_id: 'contactId',
  method: 'method',
  content: 'content',
  occur_time: 'occurredAt',
  next_follow_up_date: 'nextFollowUpDate',
  reminder: 'reminder',
};

function length(text: string): number {
  return [...text].length;
}

/** NFC (so the same Chinese text compares equal) and trimmed; inner line breaks stay. */
export function cleanNote(text: string): string {
  return text.normalize('NFC').trim();
}

function isCalendarDate(raw: string): boolean {
  const match = ISO_DATE.exec(raw);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === raw;
}

function noteViolations(field: string, text: string, max: number): FieldViolation[] {
  if (length(text) < 1 || length(text) > max) return [{ field, message: `must be 1 to ${max} characters` }];
  if (CONTROL_CHARS.test(text)) return [{ field, message: 'must not contain control characters other than line breaks and tabs' }];
  return [];
}

function dateViolations(fields: FollowUpFields, now: Date): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (Number.isNaN(fields.occurredAt.getTime())) violations.push({ field: 'occur_time', message: 'must be a time' });
  else if (fields.occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    violations.push({ field: 'occur_time', message: 'must not be in the future' });
  const next = fields.nextFollowUpDate;
  if (next !== null && !isCalendarDate(next))
    violations.push({ field: 'next_follow_up_date', message: 'must be a calendar date YYYY-MM-DD' });
  else if (next !== null && next < todayInChina(now)) violations.push({ field: 'next_follow_up_date', message: 'must not be in the past' });
  if (fields.reminder !== 'none' && next === null)
    violations.push({ field: 'reminder', message: 'a reminder needs a next_follow_up_date' });
  return violations;
}

/**
 * Checks a record's fields. `only` limits the date rules to the fields being changed, so that an
 * old record whose next date has passed can still have its content corrected.
 */
export function validateFollowUp(fields: FollowUpFields, now = new Date(), only?: (keyof FollowUpFields)[]): void {
  const violations: FieldViolation[] = [];
  if (!FOLLOW_UP_METHODS.includes(fields.method))
    violations.push({ field: 'method', message: `must be one of ${FOLLOW_UP_METHODS.join(', ')}` });
  if (!REMINDER_LEVELS.includes(fields.reminder))
    violations.push({ field: 'reminder', message: `must be one of ${REMINDER_LEVELS.join(', ')}` });
  violations.push(...noteViolations('content', fields.content, MAX_CONTENT));
  const touchesDates = !only || only.some((key) => key === 'occurredAt' || key === 'nextFollowUpDate' || key === 'reminder');
  if (touchesDates) violations.push(...dateViolations(fields, now));
  if (violations.length > 0) throw AppError.invalid('follow-up is invalid', violations);
}

export function validateComment(comment: string): void {
  const violations = noteViolations('comment', comment, MAX_COMMENT);
  if (violations.length > 0) throw AppError.invalid('annotation is invalid', violations);
}

export function editableUntil(followUp: Pick<FollowUp, 'createdAt'>): Date {
  return new Date(followUp.createdAt.getTime() + EDIT_WINDOW_MS);
}

/** Only the author edits, and only within the window: afterwards the record is history. */
export function checkEditable(followUp: FollowUp, userId: string, now = new Date()): void {
  if (followUp.authorId !== userId) {
    throw new AppError('permission_denied', 'only the author may change a follow-up record', [], 'not_author');
  }
  if (now.getTime() > editableUntil(followUp).getTime()) {
    throw new AppError(
      'failed_precondition',
      'a follow-up record can be changed only within 24 hours of recording it',
      [],
      'edit_window_closed',
    );
  }
}

/** snake_case mask paths whose values differ. */
export function changedFollowUpFields(before: FollowUpFields, after: FollowUpFields): string[] {
  return Object.entries(UPDATABLE_FOLLOW_UP_FIELDS)
    .filter(([, key]) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map(([path]) => path);
}
