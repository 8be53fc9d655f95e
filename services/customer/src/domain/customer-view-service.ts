import { can, customerScopeOf, type Principal } from '@liaison/auth';
import { AppError, isRecord, isSeq, pageSizeOf, pageTokens, requireUuid, type Pool } from '@liaison/runtime';
import { CustomerRepository } from '../persistence/customer-repository';
import {
  emptySummary,
  SummaryRepository,
  type ContactBrief,
  type CustomerSummary,
  type FollowUpBrief,
  type TimelineCursor,
  type TimelineRow,
} from '../persistence/summary-repository';
import type { Customer } from './customer';
import { scoreCustomerValue } from './customer-value';

// CUS-11 customer 360 view and timeline. The customer scope decides whether the caller sees the
// customer at all (not_found outside it, as GetCustomer); the caller's permissions then decide
// which sections come along: contacts need contact:read, follow-ups followup:read, and the money
// figures (trade, finance, value and credit risk) sales:read or analytics:read. Withheld
// sections are named, so that a client can tell "none" from "not for you".

// Newest first by (time as PostgreSQL prints it, id); a token is bound to its customer.
const timelinePages = pageTokens<TimelineCursor>('customer-timeline', (cursor) =>
  isRecord(cursor) &&
  typeof cursor.atKey === 'string' &&
  cursor.atKey.length <= 40 &&
  !Number.isNaN(Date.parse(cursor.atKey)) &&
  isSeq(cursor.id)
    ? { atKey: cursor.atKey, id: cursor.id }
    : undefined,
);

export type ViewSection = 'contacts' | 'follow_ups' | 'trade' | 'finance' | 'value';
export type TimelineSection = 'customer' | 'follow_ups' | 'trade' | 'finance' | 'service';

export interface Customer360 {
  customer: Customer;
  /** null when withheld. */
  contacts: ContactBrief[] | null;
  recentFollowUps: FollowUpBrief[] | null;
  contactCount: number;
  summary: CustomerSummary;
  withheld: ViewSection[];
}

export interface TimelinePage {
  entries: TimelineRow[];
  nextPageToken: string;
  withheld: TimelineSection[];
}

function checkCustomerId(id: string): void {
  requireUuid(id, 'customer_id');
}

function mayReadFigures(principal: Principal): boolean {
  return can(principal, 'sales', 'read') || can(principal, 'analytics', 'read');
}

function withheldSections(principal: Principal): ViewSection[] {
  const withheld: ViewSection[] = [];
  if (!can(principal, 'contact', 'read')) withheld.push('contacts');
  if (!can(principal, 'followup', 'read')) withheld.push('follow_ups');
  if (!mayReadFigures(principal)) withheld.push('trade', 'finance', 'value');
  return withheld;
}

function timelineSections(principal: Principal): { visible: TimelineSection[]; withheld: TimelineSection[] } {
  const readable: Record<TimelineSection, boolean> = {
    customer: true,
    service: true,
    follow_ups: can(principal, 'followup', 'read'),
    trade: mayReadFigures(principal),
    finance: mayReadFigures(principal),
  };
  const all = Object.keys(readable) as TimelineSection[];
  return { visible: all.filter((section) => readable[section]), withheld: all.filter((section) => !readable[section]) };
}

/** Before any event: zero figures, grade D, no credit risk. */
function summaryBeforeEvents(customer: Customer): CustomerSummary {
  const nothing = {
    lastOrderAt: null,
    lastFollowUpAt: null,
    ordersLast12Months: 0,
    followUpsLast12Months: 0,
    orderAmountLast12MonthsMinor: 0,
  };
  return emptySummary(customer.creditLimit?.currencyCode || 'CNY', scoreCustomerValue(nothing, new Date()));
}

export class CustomerViewService {
  private readonly customers = new CustomerRepository();
  private readonly summaries = new SummaryRepository();

  constructor(private readonly pool: Pool) {}

  async get360(principal: Principal, customerId: string): Promise<Customer360> {
    checkCustomerId(customerId);
    const scope = customerScopeOf(principal);
    const withheld = withheldSections(principal);
    // Both reads carry the scope condition, so they can run side by side without leaking.
    const [customer, extras] = await Promise.all([
      this.customers.findInScope(this.pool, customerId, scope),
      this.summaries.findViewExtras(this.pool, customerId, scope, {
        contacts: !withheld.includes('contacts'),
        followUps: !withheld.includes('follow_ups'),
      }),
    ]);
    if (!customer || !extras) throw AppError.notFound('customer');
    return {
      customer,
      contacts: extras.contacts,
      recentFollowUps: extras.followUps,
      contactCount: extras.contactCount,
      summary: extras.summary ?? summaryBeforeEvents(customer),
      withheld,
    };
  }

  async timeline(principal: Principal, customerId: string, page: { pageSize: number; pageToken: string }): Promise<TimelinePage> {
    checkCustomerId(customerId);
    const pageSize = pageSizeOf(page.pageSize);
    const after = timelinePages.decode(page.pageToken, customerId);
    if (!(await this.summaries.existsInScope(this.pool, customerId, customerScopeOf(principal)))) throw AppError.notFound('customer');
    const sections = timelineSections(principal);
    const rows = await this.summaries.timelinePage(this.pool, customerId, sections.visible, pageSize, after);
    const entries = rows.slice(0, pageSize);
    const last = entries[entries.length - 1];
    return {
      entries,
      nextPageToken: rows.length > pageSize ? timelinePages.encode({ atKey: last.atKey, id: last.id }, customerId) : '',
      withheld: sections.withheld,
    };
  }
}
