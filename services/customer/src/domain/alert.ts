import { AppError, type FieldViolation } from '@liaison/runtime';
import { CATEGORIES, type Category } from './lifecycle';

// Warning (CUS-12) and care (CUS-13) rules and the alerts they raise. A warning fires once per
// silence: no follow-up (or no order) for N days, measured from the last one or, for a customer
// that never had one, from its creation. A care reminder fires once a year, N days ahead of a
// contact's birthday, a fixed date or the deal anniversary. Only owned customers are alerted:
// the owner is the recipient, and a pool customer has none. A care rule with channels also greets
// the customer by SMS and/or e-mail; the alert records that greeting, rendered, when raised.

export const WARNING_KINDS = ['no_contact', 'no_order'] as const;
export const CARE_KINDS = ['contact_birthday', 'fixed_date', 'deal_anniversary'] as const;
export const RULE_KINDS = [...WARNING_KINDS, ...CARE_KINDS] as const;

export type WarningRuleKind = (typeof WARNING_KINDS)[number];
export type CareRuleKind = (typeof CARE_KINDS)[number];
export type AlertRuleKind = (typeof RULE_KINDS)[number];
export type AlertKind = 'warning' | 'care';
export type AlertStatus = 'open' | 'acknowledged';

export const CARE_CHANNELS = ['sms', 'email'] as const;
export type CareChannel = (typeof CARE_CHANNELS)[number];
/** China time of day a greeting goes out unless the rule says otherwise. */
export const DEFAULT_SEND_TIME = '09:00';
export const MESSAGE_MAX = 300;
export const PLACEHOLDERS = ['customer', 'contact'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const SEND_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

export const WARNING_DAYS = { min: 1, max: 3650 } as const;
export const CARE_DAYS = { min: 0, max: 365 } as const;
const NAME_MAX = 50;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface AlertRuleSettings {
  name: string;
  days: number;
  /** fixed_date only. */
  month: number | null;
  day: number | null;
  /** Empty = every category. */
  categories: Category[];
  targetOnly: boolean;
  enabled: boolean;
  /** Care only: how to greet the customer; empty = only the reminder to the owner. */
  channels: CareChannel[];
  /** Care only: "HH:MM" China time; null on warnings (and on input: the default). */
  sendTime: string | null;
  /** Care only: the greeting template, with {customer} and {contact}. */
  message: string | null;
}

/** The greeting a care alert sends, fixed when it was raised. */
export interface CareDelivery {
  /** The rule's channels the recipient can be reached on. */
  channels: CareChannel[];
  /** The rule's channels lacking a phone number or an e-mail address. */
  undeliverableChannels: CareChannel[];
  sendAt: Date;
  /** null when the customer had no live contact and is greeted itself. */
  recipientContactId: string | null;
  recipientName: string;
  phone: string | null;
  email: string | null;
  message: string;
}

export interface AlertRule extends AlertRuleSettings {
  id: string;
  kind: AlertRuleKind;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface Alert {
  id: string;
  seq: string;
  kind: AlertKind;
  ruleId: string;
  ruleName: string;
  ruleKind: AlertRuleKind;
  customerId: string;
  customerName: string;
  contactId: string | null;
  contactName: string | null;
  ownerId: string;
  ownerUnit: string | null;
  referenceDate: string | null;
  sinceCreation: boolean;
  dueDate: string;
  days: number;
  status: AlertStatus;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** Care alerts of rules with channels. */
  delivery: CareDelivery | null;
}

export function alertKindOf(kind: AlertRuleKind): AlertKind {
  return (WARNING_KINDS as readonly string[]).includes(kind) ? 'warning' : 'care';
}

export function isRuleKind(value: string): value is AlertRuleKind {
  return (RULE_KINDS as readonly string[]).includes(value);
}

/** Checks and normalises a rule's settings for its kind; every problem is one violation. */
export function validateRuleSettings(kind: AlertRuleKind | undefined, settings: AlertRuleSettings): AlertRuleSettings {
  const violations: FieldViolation[] = [];
  if (!kind) violations.push({ field: 'kind', message: `must be one of ${RULE_KINDS.join(', ')}` });
  const name = settings.name.normalize('NFC').trim();
  if (name.length < 1 || [...name].length > NAME_MAX) violations.push({ field: 'name', message: `must be 1 to ${NAME_MAX} characters` });
  const range = kind && alertKindOf(kind) === 'care' ? CARE_DAYS : WARNING_DAYS;
  if (!Number.isInteger(settings.days) || settings.days < range.min || settings.days > range.max) {
    violations.push({ field: 'days', message: `must be a whole number of days from ${range.min} to ${range.max}` });
  }
  violations.push(...dateViolations(kind, settings.month, settings.day));
  const care = kind ? alertKindOf(kind) === 'care' : true;
  const message = settings.message?.normalize('NFC').trim() || null;
  violations.push(...(care ? greetingViolations(settings.channels, settings.sendTime, message) : warningGreetingViolations(settings)));
  settings.categories.forEach((category, index) => {
    if (!CATEGORIES.includes(category)) violations.push({ field: `categories[${index}]`, message: 'is not a category' });
  });
  if (violations.length > 0) throw AppError.invalid('the alert rule is invalid', violations);
  const fixed = kind === 'fixed_date';
  return {
    name,
    days: settings.days,
    month: fixed ? settings.month : null,
    day: fixed ? settings.day : null,
    categories: [...new Set(settings.categories)].sort((a, b) => CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b)),
    targetOnly: settings.targetOnly,
    enabled: settings.enabled,
    channels: care ? CARE_CHANNELS.filter((channel) => settings.channels.includes(channel)) : [],
    sendTime: care ? settings.sendTime || DEFAULT_SEND_TIME : null,
    message: care ? message : null,
  };
}

// Warnings go to the owner only: a greeting setting on one is a mistake worth naming.
function warningGreetingViolations(settings: AlertRuleSettings): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (settings.channels.length > 0) violations.push({ field: 'channels', message: 'is only for care rules' });
  if (settings.sendTime) violations.push({ field: 'send_time', message: 'is only for care rules' });
  if (settings.message?.trim()) violations.push({ field: 'message', message: 'is only for care rules' });
  return violations;
}

function greetingViolations(channels: readonly string[], sendTime: string | null, message: string | null): FieldViolation[] {
  const violations: FieldViolation[] = [];
  channels.forEach((channel, index) => {
    if (!(CARE_CHANNELS as readonly string[]).includes(channel))
      violations.push({ field: `channels[${index}]`, message: `must be one of ${CARE_CHANNELS.join(', ')}` });
  });
  if (sendTime && !SEND_TIME.test(sendTime)) violations.push({ field: 'send_time', message: 'must be HH:MM, 00:00 to 23:59 China time' });
  if (message === null) {
    if (channels.length > 0) violations.push({ field: 'message', message: 'is required to greet the customer on channels' });
    return violations;
  }
  if ([...message].length > MESSAGE_MAX) violations.push({ field: 'message', message: `must be 1 to ${MESSAGE_MAX} characters` });
  const unknown = [...message.matchAll(PLACEHOLDER)].map((match) => match[0]).filter((token) => !isPlaceholder(token.slice(1, -1)));
  if (unknown.length > 0) {
    violations.push({ field: 'message', message: `unknown placeholder ${[...new Set(unknown)].join(' ')}; use {customer} or {contact}` });
  }
  return violations;
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

export interface MessagePiece {
  kind: 'text' | Placeholder;
  /** The literal text; empty for a placeholder. */
  text: string;
}

/**
 * A valid template as literal text and placeholders in order, so the names are filled in one
 * pass: a customer named "{contact}" stays as it is.
 */
export function messagePieces(template: string): MessagePiece[] {
  const pieces: MessagePiece[] = [];
  let start = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!isPlaceholder(name)) continue;
    if (match.index > start) pieces.push({ kind: 'text', text: template.slice(start, match.index) });
    pieces.push({ kind: name, text: '' });
    start = match.index + match[0].length;
  }
  if (start < template.length) pieces.push({ kind: 'text', text: template.slice(start) });
  return pieces;
}

/** The template with the names filled in, as the check renders it in SQL. */
export function renderMessage(template: string, names: Record<Placeholder, string>): string {
  return messagePieces(template)
    .map((piece) => (piece.kind === 'text' ? piece.text : names[piece.kind]))
    .join('');
}

// A fixed date needs a real month and day (29 February included); other kinds take none.
function dateViolations(kind: AlertRuleKind | undefined, month: number | null, day: number | null): FieldViolation[] {
  if (kind !== 'fixed_date') {
    return month || day ? [{ field: month ? 'month' : 'day', message: 'is only for fixed_date rules' }] : [];
  }
  if (!Number.isInteger(month) || month! < 1 || month! > 12) return [{ field: 'month', message: 'must be 1 to 12' }];
  const last = DAYS_IN_MONTH[month! - 1];
  if (!Number.isInteger(day) || day! < 1 || day! > last) return [{ field: 'day', message: `must be 1 to ${last} for month ${month}` }];
  return [];
}

const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const countdown = (days: number) => (days === 0 ? '今天' : `还有 ${days} 天`);
const CHANNEL_NAMES: Record<CareChannel, string> = { sms: '短信', email: '邮件' };
const MISSING_NAMES: Record<CareChannel, string> = { sms: '手机号', email: '邮箱' };
const CHINA_OFFSET_MS = 8 * 3_600_000;

// China has no daylight saving time: a fixed offset gives its wall clock.
function chinaTimeOf(moment: Date): string {
  const wall = new Date(moment.getTime() + CHINA_OFFSET_MS).toISOString();
  return `${monthDay(wall)} ${wall.slice(11, 16)}`;
}

/** What the owner is told about the greeting, after the reminder itself. */
function greetingNote(delivery: CareDelivery): string {
  const missing = delivery.undeliverableChannels.map((channel) => MISSING_NAMES[channel]).join('和');
  if (delivery.channels.length === 0) return `；「${delivery.recipientName}」无${missing}，问候无法自动发送`;
  const planned = `；将于 ${chinaTimeOf(delivery.sendAt)} 通过${delivery.channels.map((channel) => CHANNEL_NAMES[channel]).join('、')}向「${delivery.recipientName}」发送问候`;
  if (!missing) return planned;
  return `${planned}（无${missing}，${delivery.undeliverableChannels.map((channel) => CHANNEL_NAMES[channel]).join('、')}未发送）`;
}

/** The notification text of an alert, in Chinese, for the owner. */
export function reasonOf(
  alert: Pick<Alert, 'ruleKind' | 'ruleName' | 'customerName' | 'contactName' | 'referenceDate' | 'sinceCreation' | 'dueDate' | 'days'> & {
    delivery?: CareDelivery | null;
  },
): string {
  const reminder = reminderOf(alert);
  return alert.delivery ? reminder + greetingNote(alert.delivery) : reminder;
}

function reminderOf(alert: Parameters<typeof reasonOf>[0]): string {
  const customer = `客户「${alert.customerName}」`;
  switch (alert.ruleKind) {
    case 'no_contact':
      return alert.sinceCreation
        ? `${customer}自 ${alert.referenceDate} 创建以来已 ${alert.days} 天未联系`
        : `${customer}已 ${alert.days} 天未联系（上次联系 ${alert.referenceDate}）`;
    case 'no_order':
      return alert.sinceCreation
        ? `${customer}自 ${alert.referenceDate} 创建以来已 ${alert.days} 天无订单`
        : `${customer}已 ${alert.days} 天无订单（上次下单 ${alert.referenceDate}）`;
    case 'contact_birthday':
      return `${customer}的联系人「${alert.contactName}」${monthDay(alert.dueDate)}生日（${countdown(alert.days)}），请送上关怀`;
    case 'fixed_date':
      return `「${alert.ruleName}」${monthDay(alert.dueDate)}（${countdown(alert.days)}），请关怀${customer}`;
    case 'deal_anniversary': {
      const years = Number(alert.dueDate.slice(0, 4)) - Number(alert.referenceDate?.slice(0, 4));
      return `${customer}成交 ${years} 周年：${monthDay(alert.dueDate)}（${countdown(alert.days)}），请送上关怀`;
    }
  }
}
