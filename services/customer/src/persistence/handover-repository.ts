import type { DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import type { Customer } from '../domain/customer';
import type { Handover, HandoverDistribution, HandoverSuccessorResult } from '../domain/handover';
import { COLUMNS, toCustomer, type CustomerRow } from './customer-repository';
import { scopeCondition } from './scope-sql';

// SQL of handovers (CUS-15). Everything is set-based: one statement per kind of change however
// many customers move, with the per-customer values passed as parallel arrays (unnest).

const LIVE = scopeCondition({ kind: 'all' }, 1).text;

/** A customer of the leaving employee (or a selected one), locked for the handover. */
export interface CandidateRow {
  id: string;
  seq: string;
  owner_id: string | null;
  owner_unit: string | null;
  follower_id: string | null;
  follower_unit: string | null;
  created_by: string;
  in_write_scope: boolean;
}

/** One customer's move, as the UPDATE and the history take it. */
export interface MoveRow {
  id: string;
  owned: boolean;
  toId: string;
  toUnit: string;
}

export interface HistoryRow {
  customerId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
}

export interface NewHandover extends Omit<Handover, 'createdAt'> {
  requestId: string | null;
  toUnits: string[];
}

/** Who reads handovers: everything, or those they took part in or whose units they manage. */
export interface HandoverViewer {
  userId: string;
  readsAll: boolean;
  manages: string[];
}

interface HandoverRow {
  id: string;
  seq: string;
  from_user_id: string;
  successors: HandoverSuccessorResult[];
  from_units: string[];
  all_customers: boolean;
  distribution: HandoverDistribution;
  rewrite_creator: boolean;
  reason: string;
  customer_count: number;
  followed_count: number;
  creator_rewritten_count: number;
  actor_id: string;
  actor_name: string;
  created_at: Date;
}

const HANDOVER_COLUMNS = `h.id, h.seq, h.from_user_id, h.successors, h.from_units, h.all_customers, h.distribution, h.rewrite_creator,
  h.reason, h.customer_count, h.followed_count, h.creator_rewritten_count, h.actor_id, h.actor_name, h.created_at`;

function toHandover(row: HandoverRow): Handover {
  return {
    id: row.id,
    fromUserId: row.from_user_id,
    successors: row.successors,
    allCustomers: row.all_customers,
    distribution: row.distribution,
    rewriteCreator: row.rewrite_creator,
    reason: row.reason,
    customerCount: row.customer_count,
    followedCount: row.followed_count,
    creatorRewrittenCount: row.creator_rewritten_count,
    actorId: row.actor_id,
    actorName: row.actor_name,
    createdAt: row.created_at,
    fromUnits: row.from_units,
  };
}

function likeBelow(unit: string): string {
  return `${unit.replace(/[\\%_]/g, (ch) => `\\${ch}`)}/%`;
}

function visibleTo(viewer: HandoverViewer, add: (value: unknown) => string): string {
  if (viewer.readsAll) return 'TRUE';
  const me = add(viewer.userId);
  const byUser = `h.actor_id = ${me} OR h.from_user_id = ${me} OR ${me} = ANY(h.successor_ids)`;
  if (viewer.manages.length === 0) return `(${byUser})`;
  const units = add(viewer.manages);
  const below = add(viewer.manages.map(likeBelow));
  return `(${byUser} OR EXISTS (SELECT 1 FROM unnest(h.from_units || h.to_units) AS u(unit)
    WHERE u.unit = ANY(${units}::text[]) OR u.unit LIKE ANY(${below}::text[])))`;
}

export class HandoverRepository {
  /**
   * A handover of tens of thousands of customers updates them in single statements that may
   * outlast the pool's request-sized statement timeout; the transaction gets a bulk job's.
   */
  async allowBulkStatements(tx: PoolClient): Promise<void> {
    await tx.query("SET LOCAL statement_timeout = '5min'");
  }

  /** The database's transaction time, stamped on every history row of the handover. */
  async now(tx: PoolClient): Promise<Date> {
    const { rows } = await tx.query<{ now: Date }>('SELECT now() AS now');
    return rows[0].now;
  }

  /**
   * Every live customer the employee owns or follows inside the write scope, locked in id order
   * like every ownership change (so a handover cannot deadlock with bulk changes).
   */
  async lockEmployeeCustomers(tx: PoolClient, fromUserId: string, writeScope: DataScope): Promise<CandidateRow[]> {
    const write = scopeCondition(writeScope, 2);
    const { rows } = await tx.query<CandidateRow>(
      `SELECT c.id, c.seq, c.owner_id, c.owner_unit, c.follower_id, c.follower_unit, c.created_by, TRUE AS in_write_scope
       FROM customers c WHERE (c.owner_id = $1 OR c.follower_id = $1) AND ${LIVE} AND ${write.text}
       ORDER BY c.id FOR NO KEY UPDATE`,
      [fromUserId, ...write.values],
    );
    return rows;
  }

  /** The selected customers that exist, locked, with whether the caller may change them. */
  async lockSelected(tx: PoolClient, ids: string[], writeScope: DataScope): Promise<CandidateRow[]> {
    const write = scopeCondition(writeScope, 2);
    const { rows } = await tx.query<CandidateRow>(
      `SELECT c.id, c.seq, c.owner_id, c.owner_unit, c.follower_id, c.follower_unit, c.created_by, coalesce(${write.text}, false) AS in_write_scope
       FROM customers c WHERE c.id = ANY($1::uuid[]) AND ${LIVE}
       ORDER BY c.id FOR NO KEY UPDATE`,
      [ids, ...write.values],
    );
    return rows;
  }

  /**
   * Moves every customer in one statement: an owned one to its successor (owner, unit, clock;
   * a follower who is the successor or the leaving employee goes), a followed one to its
   * successor as follower (none when the successor owns it). With rewriteCreator the leaving
   * employee's customers get the successor as creator.
   */
  async applyMoves(tx: PoolClient, fromUserId: string, actorId: string, rewriteCreator: boolean, moves: MoveRow[]): Promise<void> {
    if (moves.length === 0) return;
    await tx.query(
      `UPDATE customers AS c SET
         owner_id = CASE WHEN m.owned THEN m.to_id ELSE c.owner_id END,
         owner_unit = CASE WHEN m.owned THEN m.to_unit ELSE c.owner_unit END,
         owned_since = CASE WHEN m.owned THEN now() ELSE c.owned_since END,
         follower_id = CASE
           WHEN m.owned THEN CASE WHEN c.follower_id IN (m.to_id, $1) THEN NULL ELSE c.follower_id END
           ELSE CASE WHEN c.owner_id = m.to_id THEN NULL ELSE m.to_id END END,
         follower_unit = CASE
           WHEN m.owned THEN CASE WHEN c.follower_id IN (m.to_id, $1) THEN NULL ELSE c.follower_unit END
           ELSE CASE WHEN c.owner_id = m.to_id THEN NULL ELSE m.to_unit END END,
         created_by = CASE WHEN $3::boolean AND c.created_by = $1 THEN m.to_id ELSE c.created_by END,
         version = c.version + 1, updated_at = now(), updated_by = $2
       FROM unnest($4::uuid[], $5::boolean[], $6::text[], $7::text[]) AS m(id, owned, to_id, to_unit)
       WHERE c.id = m.id`,
      [
        fromUserId,
        actorId,
        rewriteCreator,
        moves.map((m) => m.id),
        moves.map((m) => m.owned),
        moves.map((m) => m.toId),
        moves.map((m) => m.toUnit),
      ],
    );
  }

  /** The successor becomes the creator of the contacts the leaving employee created; returns how many. */
  async rewriteContactCreators(tx: PoolClient, fromUserId: string, actorId: string, moves: MoveRow[]): Promise<number> {
    if (moves.length === 0) return 0;
    const { rowCount } = await tx.query(
      `UPDATE contacts AS t SET created_by = m.to_id, version = t.version + 1, updated_at = now(), updated_by = $2
       FROM unnest($3::uuid[], $4::text[]) AS m(customer_id, to_id)
       WHERE t.customer_id = m.customer_id AND t.created_by = $1`,
      [fromUserId, actorId, moves.map((m) => m.id), moves.map((m) => m.toId)],
    );
    return rowCount ?? 0;
  }

  async recordOwnership(
    tx: PoolClient,
    changes: { customerId: string; fromUnit: string | null; toId: string; toUnit: string }[],
    fromUserId: string,
    reason: string,
    actorId: string,
    at: Date,
  ): Promise<void> {
    if (changes.length === 0) return;
    await tx.query(
      `INSERT INTO customer_ownership_history (customer_id, kind, from_owner_id, from_owner_unit, to_owner_id, to_owner_unit, reason, actor_id, changed_at)
       SELECT m.customer_id, 'handover', $1, m.from_unit, m.to_id, m.to_unit, $2, $3, $4
       FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[]) AS m(customer_id, from_unit, to_id, to_unit)`,
      [
        fromUserId,
        reason,
        actorId,
        at,
        changes.map((c) => c.customerId),
        changes.map((c) => c.fromUnit),
        changes.map((c) => c.toId),
        changes.map((c) => c.toUnit),
      ],
    );
  }

  /** Key-field history (customer_history) of the follower and creator changes. */
  async recordFieldHistory(tx: PoolClient, rows: HistoryRow[], reason: string, actorId: string, at: Date): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by, changed_at)
       SELECT m.customer_id, m.field, to_jsonb(m.old_value), to_jsonb(m.new_value), $1, $2, $3
       FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) AS m(customer_id, field, old_value, new_value)`,
      [
        reason,
        actorId,
        at,
        rows.map((r) => r.customerId),
        rows.map((r) => r.field),
        rows.map((r) => r.oldValue ?? null),
        rows.map((r) => r.newValue ?? null),
      ],
    );
  }

  async customers(tx: PoolClient, ids: string[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const { rows } = await tx.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.id = ANY($1::uuid[])`, [ids]);
    return rows.map(toCustomer);
  }

  /** False when the caller already made a handover with this request id. */
  async insert(tx: PoolClient, handover: NewHandover): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO handovers (id, from_user_id, successors, successor_ids, from_units, to_units, all_customers, distribution, rewrite_creator,
         reason, customer_count, followed_count, creator_rewritten_count, actor_id, actor_name, request_id)
       VALUES ($1, $2, $3::jsonb, $4::text[], $5::text[], $6::text[], $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (actor_id, request_id) DO NOTHING`,
      [
        handover.id,
        handover.fromUserId,
        JSON.stringify(handover.successors),
        handover.successors.map((s) => s.userId),
        handover.fromUnits,
        handover.toUnits,
        handover.allCustomers,
        handover.distribution,
        handover.rewriteCreator,
        handover.reason,
        handover.customerCount,
        handover.followedCount,
        handover.creatorRewrittenCount,
        handover.actorId,
        handover.actorName,
        handover.requestId,
      ],
    );
    return rowCount === 1;
  }

  async findByRequestId(db: Queryable, actorId: string, requestId: string): Promise<Handover | null> {
    const { rows } = await db.query<HandoverRow>(
      `SELECT ${HANDOVER_COLUMNS} FROM handovers h WHERE h.actor_id = $1 AND h.request_id = $2`,
      [actorId, requestId],
    );
    return rows[0] ? toHandover(rows[0]) : null;
  }

  async find(db: Queryable, id: string, viewer: HandoverViewer): Promise<Handover | null> {
    const values: unknown[] = [id];
    const add = (value: unknown) => `$${values.push(value)}`;
    const { rows } = await db.query<HandoverRow>(
      `SELECT ${HANDOVER_COLUMNS} FROM handovers h WHERE h.id = $1 AND ${visibleTo(viewer, add)}`,
      values,
    );
    return rows[0] ? toHandover(rows[0]) : null;
  }

  async list(
    db: Queryable,
    viewer: HandoverViewer,
    filter: { fromUserId?: string; afterSeq?: string; limit: number },
  ): Promise<{ items: Handover[]; nextSeq: string | null }> {
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where = [visibleTo(viewer, add)];
    if (filter.fromUserId) where.push(`h.from_user_id = ${add(filter.fromUserId)}`);
    if (filter.afterSeq) where.push(`h.seq < ${add(filter.afterSeq)}::bigint`);
    const { rows } = await db.query<HandoverRow>(
      `SELECT ${HANDOVER_COLUMNS} FROM handovers h WHERE ${where.join(' AND ')} ORDER BY h.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    return { items: page.map(toHandover), nextSeq: rows.length > filter.limit ? page[page.length - 1].seq : null };
  }
}
