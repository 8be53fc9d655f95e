import type { DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import type { CreditRisk, CreditRiskLevel, CreditRiskReason, CustomerValue, ValueGrade } from '../domain/customer-value';
import { scopeCondition } from './scope-sql';

// The customer_summary row (figures, value score, credit risk) and the reads of the 360 view and
// the timeline. Contacts and follow-ups live in tables of their own features, which a database
// may not have yet; the view reads them only where they exist.

export interface Figures {
  currency: string;
  orderCount: number;
  orderAmountMinor: number;
  orderCountThisYear: number;
  orderAmountThisYearMinor: number;
  largestOrderMinor: number;
  largestOrderId: string | null;
  lastOrderAt: Date | null;
  ordersLast12Months: number;
  orderAmountLast12MonthsMinor: number;
  receivedMinor: number;
  outstandingMinor: number;
  overdueDays: number;
  balanceAsOf: Date | null;
  openOpportunities: number;
  totalOpportunities: number;
  followUpCount: number;
  followUpsLast12Months: number;
  lastFollowUpAt: Date | null;
  openServiceRequests: number;
  totalServiceRequests: number;
  lastActivityAt: Date | null;
}

export interface CustomerSummary {
  figures: Figures;
  value: CustomerValue;
  credit: CreditRisk;
  /** null when no event has been projected for the customer yet. */
  computedAt: Date | null;
}

// Column ↔ field, in one place for the row mapping and the update.
const FIGURE_COLUMNS: Record<keyof Figures, string> = {
  currency: 'currency',
  orderCount: 'order_count',
  orderAmountMinor: 'order_amount_minor',
  orderCountThisYear: 'order_count_this_year',
  orderAmountThisYearMinor: 'order_amount_this_year_minor',
  largestOrderMinor: 'largest_order_minor',
  largestOrderId: 'largest_order_id',
  lastOrderAt: 'last_order_at',
  ordersLast12Months: 'orders_last_12m',
  orderAmountLast12MonthsMinor: 'order_amount_last_12m_minor',
  receivedMinor: 'received_minor',
  outstandingMinor: 'outstanding_minor',
  overdueDays: 'overdue_days',
  balanceAsOf: 'balance_as_of',
  openOpportunities: 'open_opportunities',
  totalOpportunities: 'total_opportunities',
  followUpCount: 'follow_up_count',
  followUpsLast12Months: 'follow_ups_last_12m',
  lastFollowUpAt: 'last_follow_up_at',
  openServiceRequests: 'open_service_requests',
  totalServiceRequests: 'total_service_requests',
  lastActivityAt: 'last_activity_at',
};

const TEXT_FIELDS = new Set<keyof Figures>(['currency', 'largestOrderId']);
const TIME_FIELDS = new Set<keyof Figures>(['lastOrderAt', 'balanceAsOf', 'lastFollowUpAt', 'lastActivityAt']);
const BALANCE_FIELDS = new Set<keyof Figures>(['outstandingMinor', 'overdueDays', 'balanceAsOf']);

type Row = Record<string, unknown>;

function figureOf(field: keyof Figures, raw: unknown): unknown {
  if (raw === null || raw === undefined) return TEXT_FIELDS.has(field) || TIME_FIELDS.has(field) ? null : 0;
  if (TIME_FIELDS.has(field)) return new Date(raw as string | Date);
  if (TEXT_FIELDS.has(field)) return String(raw).trim();
  // bigint and numeric arrive as strings; amounts stay far below 2^53 minor units.
  return Number(raw);
}

/** Maps a row with the figure columns (by column name) to figures; missing columns are zero. */
export function figuresFromRow(row: Row): Figures {
  const entries = (Object.keys(FIGURE_COLUMNS) as (keyof Figures)[]).map((field) => [field, figureOf(field, row[FIGURE_COLUMNS[field]])]);
  const figures = Object.fromEntries(entries) as unknown as Figures;
  return { ...figures, currency: figures.currency || 'CNY' };
}

export function emptySummary(currency: string, value: CustomerValue): CustomerSummary {
  return { figures: figuresFromRow({ currency }), value, credit: { level: 'none', reasons: [] }, computedAt: null };
}

function summaryFromRow(row: Row): CustomerSummary {
  return {
    figures: figuresFromRow(row),
    value: {
      score: Number(row.value_score),
      grade: String(row.value_grade) as ValueGrade,
      recencyPoints: Number(row.recency_points),
      frequencyPoints: Number(row.frequency_points),
      monetaryPoints: Number(row.monetary_points),
      recencyDays: Number(row.recency_days),
    },
    credit: { level: row.credit_risk as CreditRiskLevel, reasons: (row.credit_reasons ?? []) as CreditRiskReason[] },
    computedAt: new Date(row.computed_at as string | Date),
  };
}

export interface ContactBrief {
  id: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  isPrimary: boolean;
}

export interface FollowUpBrief {
  id: string;
  method: string;
  content: string;
  occurredAt: Date;
  authorId: string;
  contactId: string | null;
}

export interface ViewExtras {
  summary: CustomerSummary | null;
  contactCount: number;
  /** null when not asked for. */
  contacts: ContactBrief[] | null;
  followUps: FollowUpBrief[] | null;
}

export interface TimelineRow {
  id: string;
  at: Date;
  /** The exact timestamp in UTC with microseconds, for the page cursor. */
  atKey: string;
  kind: string;
  section: string;
  title: string;
  sourceService: string;
  refId: string | null;
  amountMinor: number | null;
  currency: string | null;
}

export interface TimelineCursor {
  atKey: string;
  id: string;
}

const CONTACTS_SHOWN = 20;
const FOLLOW_UPS_SHOWN = 10;
const TABLE_RECHECK_MS = 30_000;

/**
 * Whether a table of another feature exists in this database. A present table stays present;
 * an absent one is asked about again after a while, as a migration may add it.
 */
class OptionalTable {
  private present = false;
  private checkedAt = 0;

  constructor(private readonly name: string) {}

  async exists(db: Queryable): Promise<boolean> {
    if (this.present || Date.now() - this.checkedAt < TABLE_RECHECK_MS) return this.present;
    const { rows } = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [this.name]);
    this.present = rows[0].found;
    this.checkedAt = Date.now();
    return this.present;
  }
}

const contactsTable = new OptionalTable('contacts');
const followUpsTable = new OptionalTable('follow_ups');

function contactColumns(withList: boolean): string {
  const count = '(SELECT count(*) FROM contacts k WHERE k.customer_id = c.id AND k.deleted_at IS NULL) AS contact_count';
  if (!withList) return count;
  return `${count}, (SELECT coalesce(json_agg(k ORDER BY k.is_primary DESC, k.seq), '[]') FROM (
      SELECT k.id, k.name, k.title, k.phones -> 0 ->> 'number' AS phone, k.email, k.is_primary, k.seq
      FROM contacts k WHERE k.customer_id = c.id AND k.deleted_at IS NULL
      ORDER BY k.is_primary DESC, k.seq LIMIT ${CONTACTS_SHOWN}) k) AS contacts`;
}

const FOLLOW_UPS_COLUMN = `(SELECT coalesce(json_agg(f ORDER BY f.occurred_at DESC, f.seq DESC), '[]') FROM (
    SELECT f.id, f.method, left(f.content, 200) AS content, f.occurred_at, f.author_id, f.contact_id, f.seq
    FROM follow_ups f WHERE f.customer_id = c.id AND f.deleted_at IS NULL
    ORDER BY f.occurred_at DESC, f.seq DESC LIMIT ${FOLLOW_UPS_SHOWN}) f) AS follow_ups`;

interface ContactJson {
  id: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  is_primary: boolean;
}
interface FollowUpJson {
  id: string;
  method: string;
  content: string;
  occurred_at: string;
  author_id: string;
  contact_id: string | null;
}

function toContact(json: ContactJson): ContactBrief {
  return { id: json.id, name: json.name, title: json.title, phone: json.phone, email: json.email, isPrimary: json.is_primary };
}

function toFollowUp(json: FollowUpJson): FollowUpBrief {
  return {
    id: json.id,
    method: json.method,
    content: json.content,
    occurredAt: new Date(json.occurred_at),
    authorId: json.author_id,
    contactId: json.contact_id,
  };
}

function toTimelineRow(row: Row): TimelineRow {
  return {
    id: String(row.id),
    at: row.at as Date,
    atKey: String(row.at_key),
    kind: String(row.kind),
    section: String(row.section),
    title: String(row.title),
    sourceService: String(row.source_service),
    refId: (row.ref_id as string | null) ?? null,
    amountMinor: row.amount_minor === null ? null : Number(row.amount_minor),
    currency: row.currency === null ? null : String(row.currency),
  };
}

export class SummaryRepository {
  /**
   * Everything of the 360 view besides the customer record, in one statement, for a customer in
   * the scope (null outside it): the summary row, the contact count, and when asked for, the
   * first contacts and latest follow-ups.
   */
  async findViewExtras(
    db: Queryable,
    id: string,
    scope: DataScope,
    wanted: { contacts: boolean; followUps: boolean },
  ): Promise<ViewExtras | null> {
    const [hasContacts, hasFollowUps] = await Promise.all([contactsTable.exists(db), followUpsTable.exists(db)]);
    const condition = scopeCondition(scope, 2);
    const columns = ['row_to_json(s) AS summary'];
    if (hasContacts) columns.push(contactColumns(wanted.contacts));
    if (hasFollowUps && wanted.followUps) columns.push(FOLLOW_UPS_COLUMN);
    const { rows } = await db.query<Row>(
      `SELECT ${columns.join(', ')} FROM customers c LEFT JOIN customer_summary s ON s.customer_id = c.id
       WHERE c.id = $1 AND ${condition.text}`,
      [id, ...condition.values],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      summary: row.summary ? summaryFromRow(row.summary as Row) : null,
      contactCount: Number(row.contact_count ?? 0),
      contacts: wanted.contacts ? ((row.contacts ?? []) as ContactJson[]).map(toContact) : null,
      followUps: wanted.followUps ? ((row.follow_ups ?? []) as FollowUpJson[]).map(toFollowUp) : null,
    };
  }

  async existsInScope(db: Queryable, id: string, scope: DataScope): Promise<boolean> {
    const condition = scopeCondition(scope, 2);
    const { rowCount } = await db.query(`SELECT 1 FROM customers c WHERE c.id = $1 AND ${condition.text}`, [id, ...condition.values]);
    return rowCount === 1;
  }

  /** Newest first; `limit + 1` rows are read so that the caller knows whether more follow. */
  async timelinePage(db: Queryable, customerId: string, sections: string[], limit: number, after?: TimelineCursor): Promise<TimelineRow[]> {
    const values: unknown[] = [customerId, sections];
    const before = after ? `AND (t.at, t.id) < ($${values.push(after.atKey)}::timestamptz, $${values.push(after.id)}::bigint)` : '';
    const { rows } = await db.query<Row>(
      `SELECT t.id, t.at, to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key, t.kind, t.section, t.title, t.source_service, t.ref_id, t.amount_minor, t.currency
       FROM customer_timeline t WHERE t.customer_id = $1 AND t.section = ANY($2::text[]) ${before}
       ORDER BY t.at DESC, t.id DESC LIMIT $${values.push(limit + 1)}`,
      values,
    );
    return rows.map(toTimelineRow);
  }

  /** Creates the customer's row if needed and locks it, so that one customer's events apply one at a time. */
  async lockForProjection(tx: PoolClient, customerId: string, currency: string): Promise<CustomerSummary | null> {
    const { rows } = await tx.query<Row>(
      `INSERT INTO customer_summary (customer_id, currency) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`,
      [customerId, currency],
    );
    const created = rows.length === 1;
    const locked = await tx.query<Row>('SELECT * FROM customer_summary WHERE customer_id = $1 FOR UPDATE', [customerId]);
    return created ? null : summaryFromRow(locked.rows[0]);
  }

  /** Stores recomputed figures and scores; the receivable balance is applyBalance's alone. */
  async save(tx: PoolClient, customerId: string, summary: Omit<CustomerSummary, 'computedAt'>): Promise<void> {
    const fields = (Object.keys(FIGURE_COLUMNS) as (keyof Figures)[]).filter((field) => !BALANCE_FIELDS.has(field));
    const values: unknown[] = [customerId];
    const sets = fields.map((field) => `${FIGURE_COLUMNS[field]} = $${values.push(summary.figures[field])}`);
    const { value, credit } = summary;
    sets.push(
      `value_score = $${values.push(value.score)}`,
      `value_grade = $${values.push(value.grade)}`,
      `recency_points = $${values.push(value.recencyPoints)}`,
      `frequency_points = $${values.push(value.frequencyPoints)}`,
      `monetary_points = $${values.push(value.monetaryPoints)}`,
      `recency_days = $${values.push(value.recencyDays)}`,
      `credit_risk = $${values.push(credit.level)}`,
      `credit_reasons = $${values.push(credit.reasons)}::text[]`,
      'computed_at = now()',
    );
    await tx.query(`UPDATE customer_summary SET ${sets.join(', ')} WHERE customer_id = $1`, values);
  }

  /** Applies a receivable balance unless a newer one is already there; true when applied. */
  async applyBalance(
    tx: PoolClient,
    customerId: string,
    balance: { outstandingMinor: number; overdueDays: number; asOf: Date },
  ): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE customer_summary SET outstanding_minor = $2, overdue_days = $3, balance_as_of = $4
       WHERE customer_id = $1 AND (balance_as_of IS NULL OR balance_as_of < $4)`,
      [customerId, balance.outstandingMinor, balance.overdueDays, balance.asOf],
    );
    return rowCount === 1;
  }
}
