import { AppError, type FieldViolation } from '@liaison/runtime';
import { CATEGORIES, type Category } from './lifecycle';

// Warning (CUS-12) and care (CUS-13) rules and the alerts they raise. A warning fires once per
// silence: no follow-up (or no order) for N days, measured from the last one or, for a customer
// that never had one, from its creation. A care reminder fires once a year, N days ahead of a
// contact's birthday, a fixed date or the deal anniversary. Only owned customers are alerted:
// the owner is the recipient, and a pool customer has none.

export const WARNING_KINDS = ['no_contact', 'no_order'] as const;
export const CARE_KINDS = ['contact_birthday', 'fixed_date', 'deal_anniversary'] as const;
export const RULE_KINDS = [...WARNING_KINDS, ...CARE_KINDS] as const;

export type WarningRuleKind = (typeof WARNING_KINDS)[number];
export type CareRuleKind = (typeof CARE_KINDS)[number];
export type AlertRuleKind = (typeof RULE_KINDS)[number];
export type AlertKind = 'warning' | 'care';
export type AlertStatus = 'open' | 'acknowledged';

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
  };
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

/** The notification text of an alert, in Chinese, for the owner. */
export function reasonOf(alert: Pick<Alert, 'ruleKind' | 'ruleName' | 'customerName' | 'contactName' | 'referenceDate' | 'sinceCreation' | 'dueDate' | 'days'>): string {
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
