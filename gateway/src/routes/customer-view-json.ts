import { customerViewV1 } from '@liaison/contracts';
import { customerToJson } from './customer-json';
import type { Customer360Json, TimelinePageJson } from './customer-view-schemas';
import { nextPageTokenOf } from '../http/paging';

// protobuf → JSON for the 360 view and the timeline. Protobuf has no null: an unset message is
// null here, and a withheld section is null even where the protobuf carries an empty list.

type Section = Customer360Json['withheldSections'][number];
type MoneyProto = { minorUnits: number; currencyCode: string } | undefined;

const { CustomerValueGrade: Grade, CreditRiskLevel: Level } = customerViewV1;

const GRADES: Partial<Record<customerViewV1.CustomerValueGrade, 'A' | 'B' | 'C' | 'D'>> = {
  [Grade.CUSTOMER_VALUE_GRADE_A]: 'A',
  [Grade.CUSTOMER_VALUE_GRADE_B]: 'B',
  [Grade.CUSTOMER_VALUE_GRADE_C]: 'C',
  [Grade.CUSTOMER_VALUE_GRADE_D]: 'D',
};
const LEVELS: Partial<Record<customerViewV1.CreditRiskLevel, 'none' | 'watch' | 'high'>> = {
  [Level.CREDIT_RISK_LEVEL_NONE]: 'none',
  [Level.CREDIT_RISK_LEVEL_WATCH]: 'watch',
  [Level.CREDIT_RISK_LEVEL_HIGH]: 'high',
};

const money = (value: MoneyProto) => ({ minorUnits: value?.minorUnits ?? 0, currency: value?.currencyCode ?? 'CNY' });
const moneyOrNull = (value: MoneyProto) => (value ? money(value) : null);
const timeOrNull = (value: Date | undefined) => value?.toISOString() ?? null;
const orNull = (value: string) => (value === '' ? null : value);

function tradeToJson(trade: customerViewV1.TradeSummary): NonNullable<Customer360Json['trade']> {
  return {
    orderCount: trade.orderCount,
    orderAmount: money(trade.orderAmount),
    orderCountThisYear: trade.orderCountThisYear,
    orderAmountThisYear: money(trade.orderAmountThisYear),
    largestOrder: trade.largestOrderId ? { id: trade.largestOrderId, amount: money(trade.largestOrderAmount) } : null,
    lastOrderAt: timeOrNull(trade.lastOrderTime),
  };
}

function financeToJson(finance: customerViewV1.FinanceSummary): NonNullable<Customer360Json['finance']> {
  return {
    received: money(finance.received),
    outstanding: money(finance.outstanding),
    creditLimit: moneyOrNull(finance.creditLimit),
    overdueDays: finance.overdueDays,
    balanceAt: timeOrNull(finance.balanceTime),
  };
}

function activityToJson(activity: customerViewV1.ActivitySummary | undefined): Customer360Json['activity'] {
  return {
    contactCount: activity?.contactCount ?? 0,
    openOpportunities: activity?.openOpportunities ?? 0,
    totalOpportunities: activity?.totalOpportunities ?? 0,
    followUpCount: activity?.followUpCount ?? 0,
    lastFollowUpAt: timeOrNull(activity?.lastFollowUpTime),
    openServiceRequests: activity?.openServiceRequests ?? 0,
    totalServiceRequests: activity?.totalServiceRequests ?? 0,
    lastActivityAt: timeOrNull(activity?.lastActivityTime),
  };
}

function valueToJson(value: customerViewV1.CustomerValue): NonNullable<Customer360Json['value']> {
  return {
    score: value.score,
    grade: GRADES[value.grade] ?? 'D',
    recencyPoints: value.recencyPoints,
    frequencyPoints: value.frequencyPoints,
    monetaryPoints: value.monetaryPoints,
    recencyDays: value.recencyDays < 0 ? null : value.recencyDays,
    ordersLast12Months: value.ordersLast12Months,
    followUpsLast12Months: value.followUpsLast12Months,
    orderAmountLast12Months: money(value.orderAmountLast12Months),
  };
}

function creditToJson(credit: customerViewV1.CreditRisk): NonNullable<Customer360Json['creditRisk']> {
  return { level: LEVELS[credit.level] ?? 'none', reasons: credit.reasons as NonNullable<Customer360Json['creditRisk']>['reasons'] };
}

export function view360ToJson(view: customerViewV1.Customer360): Customer360Json {
  const withheld = view.withheldSections as Section[];
  const shown = (section: Section) => !withheld.includes(section);
  return {
    customer: customerToJson(view.customer!),
    contacts: shown('contacts')
      ? view.contacts.map((contact) => ({
          id: contact.id,
          name: contact.name,
          title: orNull(contact.title),
          phone: orNull(contact.phone),
          email: orNull(contact.email),
          isPrimary: contact.isPrimary,
        }))
      : null,
    recentFollowUps: shown('follow_ups')
      ? view.recentFollowUps.map((followUp) => ({
          id: followUp.id,
          method: followUp.method,
          content: followUp.content,
          occurredAt: timeOrNull(followUp.occurTime) ?? '',
          authorId: followUp.authorId,
          contactId: orNull(followUp.contactId),
        }))
      : null,
    trade: view.trade ? tradeToJson(view.trade) : null,
    finance: view.finance ? financeToJson(view.finance) : null,
    activity: activityToJson(view.activity),
    value: view.value ? valueToJson(view.value) : null,
    creditRisk: view.creditRisk ? creditToJson(view.creditRisk) : null,
    withheldSections: withheld,
    figuresAt: timeOrNull(view.figuresTime),
  };
}

export function timelineToJson(response: customerViewV1.GetCustomerTimelineResponse): TimelinePageJson {
  return {
    items: response.entries.map((entry) => ({
      id: entry.id,
      at: timeOrNull(entry.time) ?? '',
      kind: entry.kind,
      section: entry.section as TimelinePageJson['items'][number]['section'],
      title: entry.title,
      sourceService: entry.sourceService,
      refId: orNull(entry.refId),
      amount: moneyOrNull(entry.amount),
    })),
    nextPageToken: nextPageTokenOf(response.page),
    withheldSections: response.withheldSections as TimelinePageJson['withheldSections'],
  };
}
