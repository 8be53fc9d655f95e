import { customerViewV1 } from '@liaison/contracts';
import type { Customer360, TimelinePage } from '../domain/customer-view-service';
import type { CreditRisk, CreditRiskLevel, CustomerValue, ValueGrade } from '../domain/customer-value';
import type { ContactBrief, CustomerSummary, FollowUpBrief, TimelineRow } from '../persistence/summary-repository';
import { toProtoCustomer } from './customer-mapper';

// The 360 view, the timeline and the value/credit enums in protobuf, for the gRPC handlers and
// for the payloads of CustomerValueChanged and CreditRisk* (the same messages).

const { CustomerValueGrade: ProtoGrade, CreditRiskLevel: ProtoLevel } = customerViewV1;

const GRADES: Record<ValueGrade, customerViewV1.CustomerValueGrade> = {
  A: ProtoGrade.CUSTOMER_VALUE_GRADE_A,
  B: ProtoGrade.CUSTOMER_VALUE_GRADE_B,
  C: ProtoGrade.CUSTOMER_VALUE_GRADE_C,
  D: ProtoGrade.CUSTOMER_VALUE_GRADE_D,
};

const LEVELS: Record<CreditRiskLevel, customerViewV1.CreditRiskLevel> = {
  none: ProtoLevel.CREDIT_RISK_LEVEL_NONE,
  watch: ProtoLevel.CREDIT_RISK_LEVEL_WATCH,
  high: ProtoLevel.CREDIT_RISK_LEVEL_HIGH,
};

export const gradeToProto = (grade: ValueGrade) => GRADES[grade];
export const levelToProto = (level: CreditRiskLevel) => LEVELS[level];

const money = (minorUnits: number, currencyCode: string) => ({ minorUnits, currencyCode });
const orUndefined = (time: Date | null) => time ?? undefined;

export function valueToProto(value: CustomerValue, summary: Pick<CustomerSummary, 'figures'>): customerViewV1.CustomerValue {
  const { figures } = summary;
  return {
    score: value.score,
    grade: gradeToProto(value.grade),
    recencyPoints: value.recencyPoints,
    frequencyPoints: value.frequencyPoints,
    monetaryPoints: value.monetaryPoints,
    recencyDays: value.recencyDays,
    ordersLast12Months: figures.ordersLast12Months,
    followUpsLast12Months: figures.followUpsLast12Months,
    orderAmountLast12Months: money(figures.orderAmountLast12MonthsMinor, figures.currency),
  };
}

function creditToProto(credit: CreditRisk): customerViewV1.CreditRisk {
  return { level: levelToProto(credit.level), reasons: [...credit.reasons] };
}

function tradeToProto({ figures }: CustomerSummary): customerViewV1.TradeSummary {
  return {
    orderCount: figures.orderCount,
    orderAmount: money(figures.orderAmountMinor, figures.currency),
    orderCountThisYear: figures.orderCountThisYear,
    orderAmountThisYear: money(figures.orderAmountThisYearMinor, figures.currency),
    largestOrderAmount: money(figures.largestOrderMinor, figures.currency),
    largestOrderId: figures.largestOrderId ?? '',
    lastOrderTime: orUndefined(figures.lastOrderAt),
  };
}

function financeToProto(
  { figures }: CustomerSummary,
  creditLimit: { minorUnits: number; currencyCode: string } | null,
): customerViewV1.FinanceSummary {
  return {
    received: money(figures.receivedMinor, figures.currency),
    outstanding: money(figures.outstandingMinor, figures.currency),
    creditLimit: creditLimit ?? undefined,
    overdueDays: figures.overdueDays,
    balanceTime: orUndefined(figures.balanceAsOf),
  };
}

function activityToProto({ figures }: CustomerSummary, contactCount: number): customerViewV1.ActivitySummary {
  return {
    contactCount,
    openOpportunities: figures.openOpportunities,
    totalOpportunities: figures.totalOpportunities,
    followUpCount: figures.followUpCount,
    lastFollowUpTime: orUndefined(figures.lastFollowUpAt),
    openServiceRequests: figures.openServiceRequests,
    totalServiceRequests: figures.totalServiceRequests,
    lastActivityTime: orUndefined(figures.lastActivityAt),
  };
}

function contactToProto(contact: ContactBrief): customerViewV1.ContactBrief {
  return {
    id: contact.id,
    name: contact.name,
    title: contact.title ?? '',
    phone: contact.phone ?? '',
    email: contact.email ?? '',
    isPrimary: contact.isPrimary,
  };
}

function followUpToProto(followUp: FollowUpBrief): customerViewV1.FollowUpBrief {
  return {
    id: followUp.id,
    method: followUp.method,
    content: followUp.content,
    occurTime: followUp.occurredAt,
    authorId: followUp.authorId,
    contactId: followUp.contactId ?? '',
  };
}

export function view360ToProto(view: Customer360): customerViewV1.Customer360 {
  const shown = (section: Customer360['withheld'][number]) => !view.withheld.includes(section);
  const { summary } = view;
  return {
    customer: toProtoCustomer(view.customer),
    contacts: (view.contacts ?? []).map(contactToProto),
    recentFollowUps: (view.recentFollowUps ?? []).map(followUpToProto),
    trade: shown('trade') ? tradeToProto(summary) : undefined,
    finance: shown('finance') ? financeToProto(summary, view.customer.creditLimit) : undefined,
    activity: activityToProto(summary, view.contactCount),
    value: shown('value') ? valueToProto(summary.value, summary) : undefined,
    creditRisk: shown('value') ? creditToProto(summary.credit) : undefined,
    withheldSections: [...view.withheld],
    figuresTime: orUndefined(summary.computedAt),
  };
}

function timelineEntryToProto(row: TimelineRow): customerViewV1.TimelineEntry {
  return {
    id: row.id,
    time: row.at,
    kind: row.kind,
    section: row.section,
    title: row.title,
    sourceService: row.sourceService,
    refId: row.refId ?? '',
    amount: row.amountMinor === null ? undefined : money(row.amountMinor, row.currency ?? ''),
  };
}

export function timelineToProto(page: TimelinePage): customerViewV1.GetCustomerTimelineResponse {
  return {
    entries: page.entries.map(timelineEntryToProto),
    page: { nextPageToken: page.nextPageToken },
    withheldSections: [...page.withheld],
  };
}
