import type { ReceivedEvent } from '@liaison/events';
import type { PoolClient } from '@liaison/runtime';
import type { Logger } from 'pino';
import { assessCreditRisk, riskDirection, scoreCustomerValue, type CreditRisk, type ValueGrade } from '../domain/customer-value';
import { creditRiskChanged, customerValueChanged } from '../events/customer-value-events';
import { SummaryRepository, type CustomerSummary, type Figures } from '../persistence/summary-repository';
import { addTimelineEntry, editTimelineEntry, recomputeFigures, removeTimelineEntry, upsertFact } from './fact-store';
import { InvalidEventError, type Money, type ProjectionChange } from './projection-change';
import { projectors } from './projectors';

// The handler of the customer projection: runs in the consumer's inbox transaction, so an event
// is applied exactly once together with its inbox row. For one event: lock the customer's
// summary row, record the fact / balance / timeline entry, recompute the figures from all facts,
// rescore value and credit risk, and emit CustomerValueChanged / CreditRisk* through the outbox
// when the grade or the level changed.

const DEFAULT_CURRENCY = 'CNY';
const summaries = new SummaryRepository();

interface CustomerTerms {
  currency: string;
  creditLimitMinor: number | null;
}

/** The customer's currency (its credit limit's, else CNY) and credit limit; null for an unknown customer. */
async function termsOf(tx: PoolClient, customerId: string): Promise<CustomerTerms | null> {
  const { rows } = await tx.query<{ credit_limit_minor: string | null; credit_currency: string | null }>(
    'SELECT credit_limit_minor, credit_currency FROM customers WHERE id = $1',
    [customerId],
  );
  if (!rows[0]) return null;
  const limit = rows[0].credit_limit_minor;
  return { currency: rows[0].credit_currency?.trim() || DEFAULT_CURRENCY, creditLimitMinor: limit === null ? null : Number(limit) };
}

// Summing amounts of several currencies needs exchange rates, which the sales pipeline owns.
function checkCurrency(event: ReceivedEvent, change: ProjectionChange, currency: string): void {
  const amounts: (Money | undefined)[] = [change.fact?.amount, change.balance?.outstanding];
  const foreign = amounts.find((amount) => amount && amount.currency !== currency);
  if (foreign)
    throw new InvalidEventError(event.type, `amount in ${foreign.currency}, but customer ${change.customerId} is accounted in ${currency}`);
}

function sourceOf(event: ReceivedEvent): string {
  return event.source || event.topic.replace(/\.v\d+$/, '');
}

async function applyChange(tx: PoolClient, event: ReceivedEvent, change: ProjectionChange): Promise<void> {
  const { customerId } = change;
  let factLive = true;
  if (change.fact) {
    const stored = await upsertFact(tx, customerId, change.fact);
    if (stored.customerId !== customerId) {
      throw new InvalidEventError(
        event.type,
        `${change.fact.kind} ${change.fact.refId} belongs to customer ${stored.customerId}, not ${customerId}`,
      );
    }
    factLive = stored.live;
  }
  if (change.balance) {
    await summaries.applyBalance(tx, customerId, {
      outstandingMinor: change.balance.outstanding.minorUnits,
      overdueDays: change.balance.overdueDays,
      asOf: change.balance.asOf,
    });
  }
  // A follow-up deleted before its record arrived never shows up in the timeline.
  const voided = change.fact?.kind === 'follow_up' && !factLive;
  if (change.timeline && !voided) await addTimelineEntry(tx, customerId, event.id, sourceOf(event), change.timeline);
  if (change.timelineEdit && !voided) await editTimelineEntry(tx, customerId, change.timelineEdit);
  if (change.timelineRemoval) await removeTimelineEntry(tx, customerId, change.timelineRemoval);
}

function rescore(figures: Figures, terms: CustomerTerms, now: Date): Omit<CustomerSummary, 'computedAt'> {
  const value = scoreCustomerValue(
    {
      lastOrderAt: figures.lastOrderAt,
      lastFollowUpAt: figures.lastFollowUpAt,
      ordersLast12Months: figures.ordersLast12Months,
      followUpsLast12Months: figures.followUpsLast12Months,
      orderAmountLast12MonthsMinor: figures.orderAmountLast12MonthsMinor,
    },
    now,
  );
  const credit = assessCreditRisk({
    outstandingMinor: figures.outstandingMinor,
    creditLimitMinor: terms.creditLimitMinor,
    overdueDays: figures.overdueDays,
  });
  return { figures, value, credit };
}

interface Before {
  grade: ValueGrade;
  credit: CreditRisk;
}

async function announceChanges(
  tx: PoolClient,
  customerId: string,
  before: Before,
  after: Omit<CustomerSummary, 'computedAt'>,
  terms: CustomerTerms,
): Promise<void> {
  if (after.value.grade !== before.grade) await customerValueChanged(tx, customerId, before.grade, after);
  if (riskDirection(before.credit.level, after.credit.level) !== 0) {
    await creditRiskChanged(tx, customerId, before.credit.level, after, terms.creditLimitMinor);
  }
}

export interface ProjectionHandlerOptions {
  logger: Logger;
  now?: () => Date;
}

/** The EventConsumer handler: one event, one transaction (the inbox's). */
export function customerProjectionHandler(options: ProjectionHandlerOptions) {
  const now = options.now ?? (() => new Date());
  return async (event: ReceivedEvent, tx: PoolClient): Promise<void> => {
    const change = projectors.projectorOf(event.type)?.(event);
    if (!change) return;
    const terms = await termsOf(tx, change.customerId);
    if (!terms) {
      // Another deployment's customer, or one deleted meanwhile: nothing here to project onto.
      options.logger.debug({ eventId: event.id, type: event.type, customerId: change.customerId }, 'event for an unknown customer skipped');
      return;
    }
    checkCurrency(event, change, terms.currency);
    const previous = await summaries.lockForProjection(tx, change.customerId, terms.currency);
    await applyChange(tx, event, change);
    await refreshSummary(tx, change.customerId, terms, previous, now());
  };
}

/**
 * Recomputes a locked summary from its facts as of `now`, stores it, and announces a changed
 * grade or credit level. Returns true when the grade changed.
 */
async function refreshSummary(
  tx: PoolClient,
  customerId: string,
  terms: CustomerTerms,
  previous: CustomerSummary | null,
  now: Date,
): Promise<boolean> {
  // A customer seen for the first time had no figures: grade D, no credit risk.
  const before: Before = { grade: previous?.value.grade ?? 'D', credit: previous?.credit ?? { level: 'none', reasons: [] } };
  const after = rescore(await recomputeFigures(tx, customerId, terms.currency), terms, now);
  await summaries.save(tx, customerId, after);
  await announceChanges(tx, customerId, before, after, terms);
  return after.value.grade !== before.grade;
}

/**
 * Rescores one existing summary as of `now` without a new event: recency and the 12-month
 * windows move with the calendar, so a customer who stops buying must lose grade even though
 * nothing happens to it. Null when the customer no longer exists.
 */
export async function rescoreSummary(tx: PoolClient, customerId: string, now: Date): Promise<{ gradeChanged: boolean } | null> {
  const terms = await termsOf(tx, customerId);
  if (!terms) return null;
  const previous = await summaries.lockForProjection(tx, customerId, terms.currency);
  return { gradeChanged: await refreshSummary(tx, customerId, terms, previous, now) };
}
