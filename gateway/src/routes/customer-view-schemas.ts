import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { Customer, Money } from './customer-schemas';

// Public JSON shapes of the customer 360 view (客户360视图) and the customer timeline. A section
// the caller may not read is null and named in withheldSections, so that "nothing there" and
// "not for you" stay apart.

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const OptionalTime = (description: string) => Type.Union([DateTime, Type.Null()], { description });
const Count = Type.Integer({ minimum: 0 });
const Points = Type.Integer({ minimum: 0, maximum: 5 });

const VIEW_SECTIONS = ['contacts', 'follow_ups', 'trade', 'finance', 'value'] as const;
const TIMELINE_SECTIONS = ['customer', 'follow_ups', 'trade', 'finance', 'service'] as const;
const literals = (values: readonly string[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );
export const ViewSection = literals(
  VIEW_SECTIONS,
  'contacts (contact:read), follow_ups (followup:read), trade, finance, value (sales:read or analytics:read).',
);
export const TimelineSection = literals(
  TIMELINE_SECTIONS,
  'customer and service: whoever sees the customer; follow_ups: followup:read; trade, finance: sales:read or analytics:read.',
);

export const ContactBrief = named(
  'Customer360Contact',
  Type.Object(
    {
      id: Uuid,
      name: Type.String({ example: '王经理' }),
      title: Type.Union([Type.String(), Type.Null()], { description: '职务' }),
      phone: Type.Union([Type.String(), Type.Null()], { description: 'The first phone number on record.' }),
      email: Type.Union([Type.String(), Type.Null()]),
      isPrimary: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);

export const FollowUpBrief = named(
  'Customer360FollowUp',
  Type.Object(
    {
      id: Uuid,
      method: Type.String({ description: 'visit, phone, wechat, email, meeting or other.' }),
      content: Type.String({ description: 'The first 200 characters.' }),
      occurredAt: DateTime,
      authorId: Type.String(),
      contactId: Type.Union([Uuid, Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const TradeSummary = named(
  'TradeSummary',
  Type.Object(
    {
      orderCount: Count,
      orderAmount: Money,
      orderCountThisYear: Count,
      orderAmountThisYear: Money,
      largestOrder: Type.Union([Type.Object({ id: Type.String(), amount: Money }, { additionalProperties: false }), Type.Null()]),
      lastOrderAt: OptionalTime('Null without orders.'),
    },
    { additionalProperties: false, description: '交易概况: cancelled orders count nowhere; this year = the calendar year in China time.' },
  ),
);

export const FinanceSummary = named(
  'FinanceSummary',
  Type.Object(
    {
      received: Money,
      outstanding: Money,
      creditLimit: Type.Union([Money, Type.Null()]),
      overdueDays: Count,
      balanceAt: OptionalTime('When the sales pipeline last reported the receivable balance.'),
    },
    { additionalProperties: false, description: '财务概况.' },
  ),
);

export const ActivitySummary = named(
  'ActivitySummary',
  Type.Object(
    {
      contactCount: Count,
      openOpportunities: Count,
      totalOpportunities: Count,
      followUpCount: Count,
      lastFollowUpAt: OptionalTime('Null without follow-ups.'),
      openServiceRequests: Count,
      totalServiceRequests: Count,
      lastActivityAt: OptionalTime('The latest order, payment, opportunity, follow-up or service request.'),
    },
    { additionalProperties: false, description: '联系统计.' },
  ),
);

export const CustomerValue = named(
  'CustomerValueScore',
  Type.Object(
    {
      score: Type.Integer({ minimum: 0, maximum: 100 }),
      grade: literals(['A', 'B', 'C', 'D'], 'A ≥ 80, B ≥ 60, C ≥ 40, D below (RFM with fixed bands; see the customer service README).'),
      recencyPoints: Points,
      frequencyPoints: Points,
      monetaryPoints: Points,
      recencyDays: Type.Union([Count, Type.Null()], { description: 'Days since the last order, or without orders the last follow-up.' }),
      ordersLast12Months: Count,
      followUpsLast12Months: Count,
      orderAmountLast12Months: Money,
    },
    { additionalProperties: false, description: '客户价值.' },
  ),
);

export const CreditRisk = named(
  'CreditRisk',
  Type.Object(
    {
      level: literals(
        ['none', 'watch', 'high'],
        'watch: overdue > 30 days; high: outstanding above the credit limit or overdue > 90 days.',
      ),
      reasons: Type.Array(literals(['over_credit_limit', 'overdue_over_30_days', 'overdue_over_90_days'], 'Why.')),
    },
    { additionalProperties: false, description: '信用风险预警.' },
  ),
);

const orWithheld = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);

export const Customer360 = named(
  'Customer360',
  Type.Object(
    {
      customer: Customer,
      contacts: orWithheld(Type.Array(ContactBrief, { description: 'Primary first, at most 20.' })),
      recentFollowUps: orWithheld(Type.Array(FollowUpBrief, { description: 'The 10 latest, newest first.' })),
      trade: orWithheld(TradeSummary),
      finance: orWithheld(FinanceSummary),
      activity: ActivitySummary,
      value: orWithheld(CustomerValue),
      creditRisk: orWithheld(CreditRisk),
      withheldSections: Type.Array(ViewSection, { description: 'Sections that are null because the caller may not read them.' }),
      figuresAt: OptionalTime('When the event-fed figures were last recomputed; null before the first event.'),
    },
    { additionalProperties: false },
  ),
);

export const TimelineEntry = named(
  'CustomerTimelineEntry',
  Type.Object(
    {
      id: Type.String(),
      at: DateTime,
      kind: Type.String({
        description:
          'customer_created, category_changed, follow_up_recorded, order_placed, order_cancelled, payment_received, receivable_changed, opportunity_opened, opportunity_closed, service_request_opened, service_request_closed.',
      }),
      section: TimelineSection,
      title: Type.String({ description: "A short English summary, or the record's own text (follow-ups, service requests)." }),
      sourceService: Type.String({ example: 'liaison.sales' }),
      refId: Type.Union([Type.String(), Type.Null()], { description: 'The order, payment, follow-up, request… it is about.' }),
      amount: Type.Union([Money, Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const TimelinePage = named(
  'CustomerTimeline',
  Type.Object(
    {
      items: Type.Array(TimelineEntry),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
      withheldSections: Type.Array(TimelineSection, { description: 'Sections whose entries were left out.' }),
    },
    { additionalProperties: false },
  ),
);

export const TimelineQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

export type Customer360Json = Static<typeof Customer360>;
export type TimelinePageJson = Static<typeof TimelinePage>;
export type TimelineQueryJson = Static<typeof TimelineQuery>;
