import type { DataScope } from '@liaison/auth';
import { AppError, type PoolClient, type Queryable } from '@liaison/runtime';
import {
  alertKindOf,
  messagePieces,
  type Alert,
  type AlertKind,
  type AlertRule,
  type AlertRuleKind,
  type AlertRuleSettings,
  type AlertStatus,
  type CareChannel,
  type CareDelivery,
} from '../domain/alert';
import type { CareDate } from '../domain/alert-dates';
import type { Category } from '../domain/lifecycle';
import { scopeCondition } from './scope-sql';

// SQL of the alert rules and alerts (migration 0100). Evaluation is set-based: one
// INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING per rule and range of customers, so the
// database finds the due customers, the unique key drops what was raised before (or is being
// raised by a concurrent run, which it waits for), and only new alerts come back to be emitted.
// A care rule with channels records its greeting (migration 0105) in that same statement.

interface RuleRow {
  id: string;
  name: string;
  kind: AlertRuleKind;
  days: number;
  month: number | null;
  day: number | null;
  categories: Category[];
  target_only: boolean;
  enabled: boolean;
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
  channels: CareChannel[];
  send_time: string | null;
  message: string | null;
}

interface AlertRow {
  id: string;
  seq: string;
  kind: AlertKind;
  rule_id: string;
  rule_name: string;
  rule_kind: AlertRuleKind;
  customer_id: string;
  customer_name: string;
  contact_id: string | null;
  contact_name: string | null;
  owner_id: string;
  owner_unit: string | null;
  reference_date: string | null;
  since_creation: boolean;
  due_date: string;
  days: number;
  status: AlertStatus;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  delivery_channels: CareChannel[] | null;
  undeliverable_channels: CareChannel[] | null;
  send_at: Date | null;
  recipient_contact_id: string | null;
  recipient_name: string | null;
  recipient_phone: string | null;
  recipient_email: string | null;
  delivery_message: string | null;
}

const RULE_COLUMNS = `id, name, kind, days, month, day, categories, target_only, enabled, version, created_at, created_by, updated_at, updated_by,
  channels, to_char(send_time, 'HH24:MI') AS send_time, message`;
// Dates as text: a calendar date must not pass through a JavaScript Date and a time zone.
const ALERT_COLUMNS = `a.id, a.seq, a.kind, a.rule_id, a.rule_name, a.rule_kind, a.customer_id, a.customer_name, a.contact_id,
  a.contact_name, a.owner_id, a.owner_unit, a.reference_date::text AS reference_date, a.since_creation, a.due_date::text AS due_date,
  a.days, a.status, a.created_at, a.acknowledged_at, a.acknowledged_by, a.delivery_channels, a.undeliverable_channels, a.send_at,
  a.recipient_contact_id, a.recipient_name, a.recipient_phone, a.recipient_email, a.delivery_message`;
const INSERTED_COLUMNS = ALERT_COLUMNS.replace(/a\./g, '');

function toRule(row: RuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    days: row.days,
    month: row.month,
    day: row.day,
    categories: row.categories,
    targetOnly: row.target_only,
    enabled: row.enabled,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    channels: row.channels,
    sendTime: row.send_time,
    message: row.message,
  };
}

function toDelivery(row: AlertRow): CareDelivery | null {
  if (row.delivery_channels === null) return null;
  return {
    channels: row.delivery_channels,
    undeliverableChannels: row.undeliverable_channels ?? [],
    sendAt: row.send_at!,
    recipientContactId: row.recipient_contact_id,
    recipientName: row.recipient_name ?? '',
    phone: row.recipient_phone,
    email: row.recipient_email,
    message: row.delivery_message ?? '',
  };
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    seq: row.seq,
    kind: row.kind,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    ruleKind: row.rule_kind,
    customerId: row.customer_id,
    customerName: row.customer_name,
    contactId: row.contact_id,
    contactName: row.contact_name,
    ownerId: row.owner_id,
    ownerUnit: row.owner_unit,
    referenceDate: row.reference_date,
    sinceCreation: row.since_creation,
    dueDate: row.due_date,
    days: row.days,
    status: row.status,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    delivery: toDelivery(row),
  };
}

function nameConflict(error: unknown): never {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError?.code === '23505' && pgError.constraint === 'customer_alert_rules_name') {
    throw new AppError('already_exists', 'another alert rule has that name', [{ field: 'name', message: 'is taken' }], 'name_taken');
  }
  throw error;
}

export interface AlertQuery {
  limit: number;
  afterSeq?: string;
  kind?: AlertKind;
  ruleId?: string;
  status?: AlertStatus;
  customerId?: string;
}

const SOURCE_PARAM = 9;

/** SQL fragments of one kind of rule, over customers `c`; its parameters start at $9. */
interface AlertSource {
  from: string;
  where: string;
  occurrence: string;
  referenceDate: string;
  sinceCreation: string;
  dueDate: string;
  days: string;
  contactId?: string;
  contactName?: string;
  /** Care: joins naming the greeting's recipient `rcp` (contact_id, name, phone, email). */
  recipient?: string;
  orderBy?: string;
  values: unknown[];
}

// A contact's number for SMS: the first mobile, else the first number of any kind.
const phoneOf = (phones: string) => `(SELECT btrim(p.value->>'number') FROM jsonb_array_elements(${phones}) WITH ORDINALITY AS p(value, i)
  WHERE btrim(p.value->>'number') <> '' ORDER BY p.value->>'kind' IS DISTINCT FROM 'mobile', p.i LIMIT 1)`;

// A birthday greets the contact whose birthday it is.
const BIRTHDAY_RECIPIENT = `CROSS JOIN LATERAL (SELECT ct.id AS contact_id, ct.name, ${phoneOf('ct.phones')} AS phone,
  nullif(btrim(ct.email), '') AS email) rcp`;

// Other care greets the customer's primary contact, else its first live contact, else the
// customer itself with the customer's own phone and e-mail.
const CUSTOMER_RECIPIENT = `LEFT JOIN LATERAL (SELECT x.id, x.name, x.phones, x.email FROM contacts x
    WHERE x.customer_id = c.id AND x.deleted_at IS NULL ORDER BY x.is_primary DESC, x.seq LIMIT 1) pc ON TRUE
  CROSS JOIN LATERAL (SELECT pc.id AS contact_id, COALESCE(pc.name, c.name) AS name,
    CASE WHEN pc.id IS NULL THEN nullif(btrim(c.phone), '') ELSE ${phoneOf('pc.phones')} END AS phone,
    nullif(btrim(CASE WHEN pc.id IS NULL THEN c.email ELSE pc.email END), '') AS email) rcp`;

/** The greeting columns of an alert, parameters from `first`; all NULL without channels. */
function deliverySql(rule: AlertRule, source: AlertSource, first: number): { from: string; columns: string; values: unknown[] } {
  if (rule.channels.length === 0 || !source.recipient || !rule.message) {
    return {
      from: '',
      columns: 'NULL::text[], NULL::text[], NULL::timestamptz, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::text',
      values: [],
    };
  }
  const [channels, sendTime, kinds, texts] = [0, 1, 2, 3].map((offset) => `$${first + offset}`);
  const reachable = (wanted: boolean) => `ARRAY(SELECT chan.name FROM unnest(${channels}::text[]) WITH ORDINALITY AS chan(name, i)
    WHERE (CASE chan.name WHEN 'sms' THEN rcp.phone IS NOT NULL ELSE rcp.email IS NOT NULL END) = ${wanted} ORDER BY chan.i)`;
  const pieces = messagePieces(rule.message);
  return {
    from: source.recipient,
    columns: [
      reachable(true),
      reachable(false),
      `GREATEST((${source.dueDate} + ${sendTime}::time) AT TIME ZONE 'Asia/Shanghai', now())`,
      'rcp.contact_id',
      'rcp.name',
      'rcp.phone',
      'rcp.email',
      `(SELECT string_agg(CASE m.kind WHEN 'customer' THEN c.name WHEN 'contact' THEN rcp.name ELSE m.literal END, '' ORDER BY m.i)
        FROM unnest(${kinds}::text[], ${texts}::text[]) WITH ORDINALITY AS m(kind, literal, i))`,
    ].join(', '),
    values: [rule.channels, rule.sendTime, pieces.map((piece) => piece.kind), pieces.map((piece) => piece.text)],
  };
}

/** A range of customers by seq: (afterSeq, throughSeq]. */
export interface CustomerRange {
  afterSeq: string;
  throughSeq: string;
}

export class AlertRepository {
  // -------------------------------------------------------------------------------------------
  // Rules

  async listRules(db: Queryable, enabledOnly = false): Promise<AlertRule[]> {
    const { rows } = await db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM customer_alert_rules ${enabledOnly ? 'WHERE enabled' : ''} ORDER BY created_at, id`,
    );
    return rows.map(toRule);
  }

  async findRule(db: Queryable, id: string, forUpdate = false): Promise<AlertRule | undefined> {
    const { rows } = await db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM customer_alert_rules WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toRule(rows[0]) : undefined;
  }

  async insertRule(tx: PoolClient, id: string, kind: AlertRuleKind, settings: AlertRuleSettings, actorId: string): Promise<AlertRule> {
    const { rows } = await tx
      .query<RuleRow>(
        `INSERT INTO customer_alert_rules (id, name, kind, days, month, day, categories, target_only, enabled, created_by, updated_by,
         channels, send_time, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $10, $11::text[], $12::time, $13) RETURNING ${RULE_COLUMNS}`,
        [
          id,
          settings.name,
          kind,
          settings.days,
          settings.month,
          settings.day,
          settings.categories,
          settings.targetOnly,
          settings.enabled,
          actorId,
          settings.channels,
          settings.sendTime,
          settings.message,
        ],
      )
      .catch(nameConflict);
    return toRule(rows[0]);
  }

  async updateRule(tx: PoolClient, id: string, settings: AlertRuleSettings, actorId: string): Promise<AlertRule> {
    const { rows } = await tx
      .query<RuleRow>(
        `UPDATE customer_alert_rules SET name = $2, days = $3, month = $4, day = $5, categories = $6::text[], target_only = $7,
         enabled = $8, version = version + 1, updated_at = now(), updated_by = $9, channels = $10::text[], send_time = $11::time, message = $12
       WHERE id = $1 RETURNING ${RULE_COLUMNS}`,
        [
          id,
          settings.name,
          settings.days,
          settings.month,
          settings.day,
          settings.categories,
          settings.targetOnly,
          settings.enabled,
          actorId,
          settings.channels,
          settings.sendTime,
          settings.message,
        ],
      )
      .catch(nameConflict);
    return toRule(rows[0]);
  }

  async deleteRule(tx: PoolClient, id: string): Promise<void> {
    await tx.query('DELETE FROM customer_alert_rules WHERE id = $1', [id]);
  }

  // -------------------------------------------------------------------------------------------
  // Evaluation

  /** Today in China, from the database clock, the same for every replica. */
  async todayInChina(db: Queryable): Promise<string> {
    const { rows } = await db.query<{ today: string }>(`SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS today`);
    return rows[0].today;
  }

  /** The next range of at most `size` customers after `afterSeq`; undefined after the last. */
  async nextRange(db: Queryable, afterSeq: string, size: number): Promise<CustomerRange | undefined> {
    const { rows } = await db.query<{ through: string | null }>(
      'SELECT max(seq)::text AS through FROM (SELECT seq FROM customers WHERE seq > $1 ORDER BY seq LIMIT $2) batch',
      [afterSeq, size],
    );
    const through = rows[0].through;
    return through === null ? undefined : { afterSeq, throughSeq: through };
  }

  async raiseWarnings(tx: PoolClient, rule: AlertRule, range: CustomerRange): Promise<Alert[]> {
    // no_order reads the 360 projection's last order; a customer it has no row for never ordered.
    const last = rule.kind === 'no_order' ? 's.last_order_at' : 'c.last_contacted_at';
    const since = `COALESCE(${last}, c.created_at)`;
    return this.insertAlerts(tx, rule, range, {
      from: `customers c ${rule.kind === 'no_order' ? 'LEFT JOIN customer_summary s ON s.customer_id = c.id' : ''}`,
      where: `${since} <= now() - make_interval(days => $${SOURCE_PARAM})`,
      occurrence: `to_char(${since} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      referenceDate: `(${since} AT TIME ZONE 'Asia/Shanghai')::date`,
      sinceCreation: `${last} IS NULL`,
      dueDate: `((${since} + make_interval(days => $${SOURCE_PARAM})) AT TIME ZONE 'Asia/Shanghai')::date`,
      days: `floor(extract(epoch FROM now() - ${since}) / 86400)::int`,
      values: [rule.days],
    });
  }

  /** Care dates of the window: birthdays of live contacts, deal anniversaries, or one fixed date. */
  async raiseCare(tx: PoolClient, rule: AlertRule, range: CustomerRange, today: string, window: CareDate[]): Promise<Alert[]> {
    const p = (offset: number) => `$${SOURCE_PARAM + offset}`;
    const windowTable = `unnest(${p(0)}::int[], ${p(1)}::int[], ${p(2)}::date[]) AS w(month, day, due)`;
    const care = {
      occurrence: 'w.due::text',
      dueDate: 'w.due',
      days: `(w.due - ${p(3)}::date)`,
      sinceCreation: 'false',
      referenceDate: 'NULL::date',
      values: [window.map((d) => d.month), window.map((d) => d.day), window.map((d) => d.due), today],
    };
    switch (rule.kind) {
      case 'contact_birthday':
        return this.insertAlerts(tx, rule, range, {
          ...care,
          from: `customers c JOIN contacts ct ON ct.customer_id = c.id AND ct.deleted_at IS NULL
            JOIN ${windowTable} ON ct.birth_month = w.month AND ct.birth_day = w.day`,
          where: 'TRUE',
          contactId: 'ct.id',
          contactName: 'ct.name',
          recipient: BIRTHDAY_RECIPIENT,
          orderBy: 'c.seq, ct.seq',
        });
      case 'deal_anniversary':
        return this.insertAlerts(tx, rule, range, {
          ...care,
          from: `customers c JOIN ${windowTable} ON extract(month FROM c.deal_date) = w.month AND extract(day FROM c.deal_date) = w.day`,
          where: 'extract(year FROM w.due) > extract(year FROM c.deal_date)',
          referenceDate: 'c.deal_date',
          recipient: CUSTOMER_RECIPIENT,
        });
      case 'fixed_date':
        return this.insertAlerts(tx, rule, range, {
          ...care,
          from: `customers c CROSS JOIN ${windowTable}`,
          where: `w.month = ${p(4)} AND w.day = ${p(5)}`,
          recipient: CUSTOMER_RECIPIENT,
          values: [...care.values, rule.month, rule.day],
        });
      default:
        throw new Error(`${rule.kind} is not a care rule`);
    }
  }

  // The customers a rule applies to: owned (the owner is the recipient), live, in the range, and
  // of its categories and target flag. Parameters $1..$8 are these; the source's own follow, then
  // the greeting's.
  private async insertAlerts(tx: PoolClient, rule: AlertRule, range: CustomerRange, source: AlertSource): Promise<Alert[]> {
    const delivery = deliverySql(rule, source, SOURCE_PARAM + source.values.length);
    // Rows go in in seq order, the same in every run, so overlapping runs wait for each other
    // on the unique key instead of deadlocking.
    const { rows } = await tx.query<AlertRow>(
      `INSERT INTO customer_alerts (rule_id, rule_name, rule_kind, kind, customer_id, customer_name, contact_id, contact_name,
         owner_id, owner_unit, occurrence, reference_date, since_creation, due_date, days, delivery_channels, undeliverable_channels,
         send_at, recipient_contact_id, recipient_name, recipient_phone, recipient_email, delivery_message)
       SELECT $1::uuid, $2::text, $3::text, $4::text, c.id, c.name, ${source.contactId ?? 'NULL::uuid'}, ${source.contactName ?? 'NULL::text'},
         c.owner_id, c.owner_unit, ${source.occurrence}, ${source.referenceDate}, ${source.sinceCreation}, ${source.dueDate}, ${source.days},
         ${delivery.columns}
       FROM ${source.from} ${delivery.from}
       WHERE c.seq > $5 AND c.seq <= $6 AND c.deleted_at IS NULL AND c.owner_id IS NOT NULL
         AND (cardinality($7::text[]) = 0 OR c.category = ANY($7::text[])) AND (NOT $8::boolean OR c.is_target)
         AND ${source.where}
       ORDER BY ${source.orderBy ?? 'c.seq'}
       ON CONFLICT DO NOTHING
       RETURNING ${INSERTED_COLUMNS}`,
      [
        rule.id,
        rule.name,
        rule.kind,
        alertKindOf(rule.kind),
        range.afterSeq,
        range.throughSeq,
        rule.categories,
        rule.targetOnly,
        ...source.values,
        ...delivery.values,
      ],
    );
    return rows.map(toAlert);
  }

  // -------------------------------------------------------------------------------------------
  // Reading and acknowledging

  async list(db: Queryable, scope: DataScope, query: AlertQuery): Promise<Alert[]> {
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const conditions: string[] = [];
    const scoped = scopeCondition(scope, 1);
    values.push(...scoped.values);
    conditions.push(scoped.text);
    if (query.afterSeq) conditions.push(`a.seq < ${param(query.afterSeq)}`);
    if (query.kind) conditions.push(`a.kind = ${param(query.kind)}`);
    if (query.ruleId) conditions.push(`a.rule_id = ${param(query.ruleId)}`);
    if (query.status) conditions.push(`a.status = ${param(query.status)}`);
    if (query.customerId) conditions.push(`a.customer_id = ${param(query.customerId)}`);
    const { rows } = await db.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM customer_alerts a JOIN customers c ON c.id = a.customer_id
       WHERE ${conditions.join(' AND ')} ORDER BY a.seq DESC LIMIT ${param(query.limit)}`,
      values,
    );
    return rows.map(toAlert);
  }

  /** The alert if its customer is in the scope, locked for the change. */
  async lockInScope(tx: PoolClient, id: string, scope: DataScope): Promise<Alert | undefined> {
    const scoped = scopeCondition(scope, 2);
    const { rows } = await tx.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM customer_alerts a JOIN customers c ON c.id = a.customer_id
       WHERE a.id = $1 AND ${scoped.text} FOR UPDATE OF a`,
      [id, ...scoped.values],
    );
    return rows[0] ? toAlert(rows[0]) : undefined;
  }

  async acknowledge(tx: PoolClient, id: string, actorId: string): Promise<Alert> {
    const { rows } = await tx.query<AlertRow>(
      `UPDATE customer_alerts a SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2 WHERE a.id = $1 RETURNING ${ALERT_COLUMNS}`,
      [id, actorId],
    );
    return toAlert(rows[0]);
  }
}
