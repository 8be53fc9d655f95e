import type { PoolClient } from '@liaison/runtime';
import { figuresFromRow, type Figures } from '../persistence/summary-repository';
import type { FactChange, TimelineDraft } from './projection-change';

// SQL of the projection's write side: facts, timeline entries, and the figures recomputed from
// the facts of one customer. Runs inside the consumer's inbox transaction.

export interface StoredFact {
  customerId: string;
  live: boolean;
}

/**
 * Records a fact or its end. A start (or amount) that arrives later fills in what an early end
 * left empty; the first end wins, so a repeated cancellation keeps the original time.
 */
export async function upsertFact(tx: PoolClient, customerId: string, fact: FactChange): Promise<StoredFact> {
  const { rows } = await tx.query<{ customer_id: string; live: boolean }>(
    `INSERT INTO customer_facts AS f (kind, ref_id, customer_id, amount_minor, currency, started_at, ended_at, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (kind, ref_id) DO UPDATE SET
       amount_minor = coalesce(EXCLUDED.amount_minor, f.amount_minor),
       currency = coalesce(EXCLUDED.currency, f.currency),
       started_at = coalesce(EXCLUDED.started_at, f.started_at),
       ended_at = coalesce(f.ended_at, EXCLUDED.ended_at),
       outcome = coalesce(f.outcome, EXCLUDED.outcome)
     RETURNING f.customer_id, (f.started_at IS NOT NULL AND f.ended_at IS NULL) AS live`,
    [
      fact.kind,
      fact.refId,
      customerId,
      fact.amount?.minorUnits ?? null,
      fact.amount?.currency ?? null,
      fact.startedAt ?? null,
      fact.endedAt ?? null,
      fact.outcome ?? null,
    ],
  );
  return { customerId: rows[0].customer_id, live: rows[0].live };
}

/** One entry per event id, and per (kind, ref id) where there is one. */
export async function addTimelineEntry(
  tx: PoolClient,
  customerId: string,
  eventId: string,
  source: string,
  entry: TimelineDraft,
): Promise<void> {
  await tx.query(
    `INSERT INTO customer_timeline (customer_id, event_id, at, kind, section, title, source_service, ref_id, amount_minor, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [
      customerId,
      eventId,
      entry.at,
      entry.kind,
      entry.section,
      entry.title,
      source,
      entry.refId ?? null,
      entry.amount?.minorUnits ?? null,
      entry.amount?.currency ?? null,
    ],
  );
}

export async function editTimelineEntry(
  tx: PoolClient,
  customerId: string,
  edit: { kind: string; refId: string; title: string; at: Date },
): Promise<void> {
  await tx.query('UPDATE customer_timeline SET title = $4, at = $5 WHERE customer_id = $1 AND kind = $2 AND ref_id = $3', [
    customerId,
    edit.kind,
    edit.refId,
    edit.title,
    edit.at,
  ]);
}

export async function removeTimelineEntry(tx: PoolClient, customerId: string, removal: { kind: string; refId: string }): Promise<void> {
  await tx.query('DELETE FROM customer_timeline WHERE customer_id = $1 AND kind = $2 AND ref_id = $3', [
    customerId,
    removal.kind,
    removal.refId,
  ]);
}

// A fact counts while it has started and not ended (cancelled orders, deleted follow-ups do not);
// opportunities and service requests count as opened once their start is known. "This year" is
// the calendar year in China time.
const FIGURES_SQL = `
WITH f AS (
  SELECT kind, ref_id, amount_minor, started_at, ended_at, started_at IS NOT NULL AND ended_at IS NULL AS live
  FROM customer_facts WHERE customer_id = $1
), bounds AS (
  SELECT date_trunc('year', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS year_start,
         now() - interval '12 months' AS window_start
)
SELECT
  count(*) FILTER (WHERE kind = 'order' AND live) AS order_count,
  sum(amount_minor) FILTER (WHERE kind = 'order' AND live) AS order_amount_minor,
  count(*) FILTER (WHERE kind = 'order' AND live AND started_at >= year_start) AS order_count_this_year,
  sum(amount_minor) FILTER (WHERE kind = 'order' AND live AND started_at >= year_start) AS order_amount_this_year_minor,
  max(amount_minor) FILTER (WHERE kind = 'order' AND live) AS largest_order_minor,
  (array_agg(ref_id ORDER BY amount_minor DESC, started_at) FILTER (WHERE kind = 'order' AND live))[1] AS largest_order_id,
  max(started_at) FILTER (WHERE kind = 'order' AND live) AS last_order_at,
  count(*) FILTER (WHERE kind = 'order' AND live AND started_at >= window_start) AS orders_last_12m,
  sum(amount_minor) FILTER (WHERE kind = 'order' AND live AND started_at >= window_start) AS order_amount_last_12m_minor,
  sum(amount_minor) FILTER (WHERE kind = 'payment' AND live) AS received_minor,
  count(*) FILTER (WHERE kind = 'opportunity' AND live) AS open_opportunities,
  count(*) FILTER (WHERE kind = 'opportunity' AND started_at IS NOT NULL) AS total_opportunities,
  count(*) FILTER (WHERE kind = 'follow_up' AND live) AS follow_up_count,
  count(*) FILTER (WHERE kind = 'follow_up' AND live AND started_at >= window_start) AS follow_ups_last_12m,
  max(started_at) FILTER (WHERE kind = 'follow_up' AND live) AS last_follow_up_at,
  count(*) FILTER (WHERE kind = 'service_request' AND live) AS open_service_requests,
  count(*) FILTER (WHERE kind = 'service_request' AND started_at IS NOT NULL) AS total_service_requests,
  greatest(
    max(started_at) FILTER (WHERE live AND kind IN ('order', 'payment', 'follow_up')),
    max(greatest(started_at, ended_at)) FILTER (WHERE kind IN ('opportunity', 'service_request'))
  ) AS last_activity_at,
  s.outstanding_minor, s.overdue_days, s.balance_as_of
FROM bounds CROSS JOIN customer_summary s LEFT JOIN f ON true
WHERE s.customer_id = $1
GROUP BY bounds.year_start, bounds.window_start, s.outstanding_minor, s.overdue_days, s.balance_as_of`;

/** The customer's figures recomputed from all of its facts and its latest receivable balance. */
export async function recomputeFigures(tx: PoolClient, customerId: string, currency: string): Promise<Figures> {
  const { rows } = await tx.query<Record<string, unknown>>(FIGURES_SQL, [customerId]);
  return figuresFromRow({ ...rows[0], currency });
}
