import type { DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import type {
  ChangeKind,
  FollowerRef,
  OwnershipChange,
  OwnershipState,
  PoolCustomer,
  PoolRule,
  TransferSettings,
} from '../domain/assignment';
import type { Category } from '../domain/lifecycle';
import { scopeCondition } from './scope-sql';

// SQL of ownership: the pool, pending customers, followers, the ownership history and the
// return-to-pool rule. Customer rows themselves are read back through CustomerRepository.

/** Actor id of changes the return-to-pool rule makes. */
export const POOL_RULE_ACTOR = 'system:pool-rule';

interface OwnershipRow {
  id: string;
  owner_id: string | null;
  owner_unit: string | null;
  category: Category;
  pending_since: Date | null;
  last_contacted_at: Date | null;
  follower_id: string | null;
  follower_unit: string | null;
  last_pooled_at: Date | null;
  in_read_scope: boolean;
  in_write_scope: boolean;
}

function toOwnershipState(row: OwnershipRow): OwnershipState {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerUnit: row.owner_unit,
    category: row.category,
    pendingSince: row.pending_since,
    lastContactedAt: row.last_contacted_at,
    follower: row.follower_id ? { id: row.follower_id, unit: row.follower_unit } : null,
    lastPooledAt: row.last_pooled_at,
    inReadScope: row.in_read_scope,
    inWriteScope: row.in_write_scope,
  };
}

interface HistoryRow {
  customer_id: string;
  kind: ChangeKind;
  from_owner_id: string | null;
  from_owner_unit: string | null;
  to_owner_id: string | null;
  to_owner_unit: string | null;
  reason: string | null;
  actor_id: string;
  changed_at: Date;
}

function toChange(row: HistoryRow): OwnershipChange {
  return {
    customerId: row.customer_id,
    kind: row.kind,
    from: { ownerId: row.from_owner_id, ownerUnit: row.from_owner_unit },
    to: { ownerId: row.to_owner_id, ownerUnit: row.to_owner_unit },
    reason: row.reason,
    actorId: row.actor_id,
    changedAt: row.changed_at,
  };
}

interface PoolRow {
  id: string;
  seq: string;
  name: string;
  kind: 'company' | 'person';
  category: Category;
  industry: string | null;
  source: string | null;
  nature: string | null;
  province: string | null;
  city: string | null;
  star_rating: number;
  last_pooled_at: Date | null;
  last_contacted_at: Date | null;
}

function toPoolCustomer(row: PoolRow): PoolCustomer {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    category: row.category,
    industry: row.industry,
    source: row.source,
    nature: row.nature,
    province: row.province,
    city: row.city,
    starRating: row.star_rating,
    pooledAt: row.last_pooled_at,
    lastContactedAt: row.last_contacted_at,
  };
}

export interface Page<T> {
  items: T[];
  /** seq of the last item when more follow. */
  nextSeq: string | null;
}

export interface PoolFilter {
  nameContains?: string;
  categories?: Category[];
  afterSeq?: string;
  limit: number;
}

export interface PendingFilter {
  contacted?: boolean;
  unit?: string;
  afterSeq?: string;
  limit: number;
}

export interface PendingRow {
  id: string;
  pendingSince: Date;
  lastContactedAt: Date | null;
  follower: FollowerRef | null;
}

/** How an ownership change treats the pending state. */
export type PendingUpdate = 'start' | 'keep' | 'clear';

export interface OwnerUpdate {
  ownerId: string | null;
  ownerUnit: string | null;
  pending: PendingUpdate;
  /** 'keep' leaves the follower as it is; null removes it. */
  follower: FollowerRef | null | 'keep';
}

// Customers that exist for everyone (not deleted or merged away), whatever the scope.
const LIVE = scopeCondition({ kind: 'all' }, 1).text;

// Pending: entered through import or the pool, and no follow-up since.
const PENDING =
  'c.owner_id IS NOT NULL AND c.pending_since IS NOT NULL AND (c.last_contacted_at IS NULL OR c.last_contacted_at < c.pending_since)';

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function pageOf<R extends { seq: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  return { items: page.map(map), nextSeq: rows.length > limit ? page[page.length - 1].seq : null };
}

export class AssignmentRepository {
  /**
   * Locks the customers (in id order, so concurrent bulk changes cannot deadlock) and says of
   * each whether the caller may see and change it. Missing ids are simply absent.
   */
  async lockOwnership(tx: PoolClient, ids: string[], readScope: DataScope, writeScope: DataScope): Promise<Map<string, OwnershipState>> {
    const read = scopeCondition(readScope, 2);
    const write = scopeCondition(writeScope, 2 + read.values.length);
    const { rows } = await tx.query<OwnershipRow>(
      `SELECT c.id, c.owner_id, c.owner_unit, c.category, c.pending_since, c.last_contacted_at,
         c.follower_id, c.follower_unit, c.last_pooled_at,
         coalesce(${read.text}, false) AS in_read_scope, coalesce(${write.text}, false) AS in_write_scope
       FROM customers c WHERE c.id = ANY($1::uuid[]) AND ${LIVE} ORDER BY c.id FOR NO KEY UPDATE`,
      [ids, ...read.values, ...write.values],
    );
    return new Map(rows.map((row) => [row.id, toOwnershipState(row)]));
  }

  /** Takes a pool customer; false when it has an owner (or does not exist). Atomic under concurrency. */
  async claim(tx: PoolClient, id: string, ownerId: string, ownerUnit: string | null): Promise<boolean> {
    const { rowCount } = await tx.query(
      `UPDATE customers AS c SET owner_id = $2, owner_unit = $3, owned_since = now(), pending_since = now(),
         follower_id = NULL, follower_unit = NULL, version = c.version + 1, updated_at = now(), updated_by = $2
       WHERE c.id = $1 AND c.owner_id IS NULL AND ${LIVE}`,
      [id, ownerId, ownerUnit],
    );
    return rowCount === 1;
  }

  async setOwner(tx: PoolClient, id: string, update: OwnerUpdate, actorId: string): Promise<void> {
    const keepFollower = update.follower === 'keep';
    const follower = update.follower === 'keep' ? null : update.follower;
    await tx.query(
      `UPDATE customers AS c SET owner_id = $2, owner_unit = $3,
         owned_since = CASE WHEN $2::text IS NULL THEN c.owned_since ELSE now() END,
         last_pooled_at = CASE WHEN $2::text IS NULL THEN now() ELSE c.last_pooled_at END,
         pending_since = CASE $4::text WHEN 'start' THEN now() WHEN 'clear' THEN NULL ELSE c.pending_since END,
         follower_id = CASE WHEN $5::boolean THEN c.follower_id ELSE $6 END,
         follower_unit = CASE WHEN $5::boolean THEN c.follower_unit ELSE $7 END,
         version = c.version + 1, updated_at = now(), updated_by = $8
       WHERE c.id = $1`,
      [id, update.ownerId, update.ownerUnit, update.pending, keepFollower, follower?.id ?? null, follower?.unit ?? null, actorId],
    );
  }

  async setFollower(tx: PoolClient, id: string, follower: FollowerRef, actorId: string): Promise<void> {
    await tx.query(
      `UPDATE customers AS c SET follower_id = $2, follower_unit = $3, version = c.version + 1, updated_at = now(), updated_by = $4
       WHERE c.id = $1`,
      [id, follower.id, follower.unit, actorId],
    );
  }

  /** Whether a customer exists, was ever public in the pool, and lies in the given scope. */
  async visibility(
    db: Queryable,
    id: string,
    scope: DataScope,
  ): Promise<{ ownerId: string | null; everPooled: boolean; inScope: boolean } | null> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<{ owner_id: string | null; ever_pooled: boolean; in_scope: boolean }>(
      `SELECT c.owner_id, c.last_pooled_at IS NOT NULL AS ever_pooled, coalesce(${condition.text}, false) AS in_scope FROM customers c WHERE c.id = $1 AND ${LIVE}`,
      [id, ...condition.values],
    );
    const row = rows[0];
    return row ? { ownerId: row.owner_id, everPooled: row.ever_pooled, inScope: row.in_scope } : null;
  }

  async recordChanges(tx: PoolClient, changes: Omit<OwnershipChange, 'changedAt'>[]): Promise<OwnershipChange[]> {
    if (changes.length === 0) return [];
    const values: unknown[] = [];
    const tuples = changes.map((change) => {
      const start = values.length;
      values.push(
        change.customerId,
        change.kind,
        change.from.ownerId,
        change.from.ownerUnit,
        change.to.ownerId,
        change.to.ownerUnit,
        change.reason,
        change.actorId,
      );
      return `(${values
        .slice(start)
        .map((_, i) => `$${start + i + 1}`)
        .join(', ')})`;
    });
    const { rows } = await tx.query<HistoryRow>(
      `INSERT INTO customer_ownership_history (customer_id, kind, from_owner_id, from_owner_unit, to_owner_id, to_owner_unit, reason, actor_id)
       VALUES ${tuples.join(', ')}
       RETURNING customer_id, kind, from_owner_id, from_owner_unit, to_owner_id, to_owner_unit, reason, actor_id, changed_at`,
      values,
    );
    return rows.map(toChange);
  }

  async history(db: Queryable, customerId: string): Promise<OwnershipChange[]> {
    const { rows } = await db.query<HistoryRow>(
      `SELECT customer_id, kind, from_owner_id, from_owner_unit, to_owner_id, to_owner_unit, reason, actor_id, changed_at
       FROM customer_ownership_history WHERE customer_id = $1 ORDER BY id`,
      [customerId],
    );
    return rows.map(toChange);
  }

  async listPool(db: Queryable, filter: PoolFilter): Promise<Page<PoolCustomer>> {
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where = ['c.owner_id IS NULL', LIVE];
    if (filter.nameContains) where.push(`c.name ILIKE ${add(`%${escapeLike(filter.nameContains)}%`)}`);
    if (filter.categories?.length) where.push(`c.category = ANY(${add(filter.categories)}::text[])`);
    if (filter.afterSeq) where.push(`c.seq < ${add(filter.afterSeq)}::bigint`);
    const { rows } = await db.query<PoolRow>(
      `SELECT c.id, c.seq, c.name, c.kind, c.category, c.industry, c.source, c.nature, c.province, c.city,
         c.star_rating, c.last_pooled_at, c.last_contacted_at
       FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    return pageOf(rows, filter.limit, toPoolCustomer);
  }

  async listPending(db: Queryable, scope: DataScope, filter: PendingFilter): Promise<Page<PendingRow>> {
    const condition = scopeCondition(scope, 1);
    const values: unknown[] = [...condition.values];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where = [condition.text, PENDING];
    if (filter.contacted !== undefined) where.push(filter.contacted ? 'c.last_contacted_at IS NOT NULL' : 'c.last_contacted_at IS NULL');
    if (filter.unit) where.push(`(c.owner_unit = ${add(filter.unit)} OR c.owner_unit LIKE ${add(`${escapeLike(filter.unit)}/%`)})`);
    if (filter.afterSeq) where.push(`c.seq < ${add(filter.afterSeq)}::bigint`);
    const { rows } = await db.query<{
      id: string;
      seq: string;
      pending_since: Date;
      last_contacted_at: Date | null;
      follower_id: string | null;
      follower_unit: string | null;
    }>(
      `SELECT c.id, c.seq, c.pending_since, c.last_contacted_at, c.follower_id, c.follower_unit
       FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    return pageOf(rows, filter.limit, (row) => ({
      id: row.id,
      pendingSince: row.pending_since,
      lastContactedAt: row.last_contacted_at,
      follower: row.follower_id ? { id: row.follower_id, unit: row.follower_unit } : null,
    }));
  }

  /**
   * Owned customers the rule returns now, locked in id order like every ownership change (so
   * runs cannot deadlock with each other or with bulk changes). A row another run holds is waited
   * for and then re-checked, so it comes back only if still due: each is returned once. NO KEY
   * UPDATE, because rows referencing a customer (history, follow-ups) lock it FOR KEY SHARE.
   */
  async lockDueForReturn(tx: PoolClient, rule: PoolRule, limit: number): Promise<OwnershipState[]> {
    const { rows } = await tx.query<OwnershipRow>(
      `SELECT c.id, c.owner_id, c.owner_unit, c.category, c.pending_since, c.last_contacted_at,
         c.follower_id, c.follower_unit, c.last_pooled_at, TRUE AS in_read_scope, TRUE AS in_write_scope
       FROM customers c
       WHERE c.owner_id IS NOT NULL AND ${LIVE} AND NOT (c.category = ANY($1::text[]))
         AND GREATEST(c.last_contacted_at, c.owned_since) < now() - make_interval(days => $2)
       ORDER BY c.id LIMIT $3
       FOR NO KEY UPDATE`,
      [rule.excludedCategories, rule.daysWithoutContact, limit],
    );
    return rows.map(toOwnershipState);
  }

  async rule(db: Queryable, forUpdate = false): Promise<PoolRule> {
    const { rows } = await db.query<{
      enabled: boolean;
      days_without_contact: number;
      excluded_categories: Category[];
      version: string;
      updated_at: Date;
      updated_by: string;
    }>(
      `SELECT enabled, days_without_contact, excluded_categories, version, updated_at, updated_by FROM pool_rule${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    const row = rows[0];
    return {
      enabled: row.enabled,
      daysWithoutContact: row.days_without_contact,
      excludedCategories: row.excluded_categories,
      version: Number(row.version),
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  async updateRule(
    tx: PoolClient,
    rule: Pick<PoolRule, 'enabled' | 'daysWithoutContact' | 'excludedCategories'>,
    updatedBy: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE pool_rule SET enabled = $1, days_without_contact = $2, excluded_categories = $3::text[],
         version = version + 1, updated_at = now(), updated_by = $4`,
      [rule.enabled, rule.daysWithoutContact, rule.excludedCategories, updatedBy],
    );
  }

  async transferSettings(db: Queryable, forUpdate = false): Promise<TransferSettings> {
    const { rows } = await db.query<{ approval_required: boolean; version: string; updated_at: Date; updated_by: string }>(
      `SELECT approval_required, version, updated_at, updated_by FROM transfer_settings${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    const row = rows[0];
    return { approvalRequired: row.approval_required, version: Number(row.version), updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async updateTransferSettings(tx: PoolClient, approvalRequired: boolean, updatedBy: string): Promise<void> {
    await tx.query('UPDATE transfer_settings SET approval_required = $1, version = version + 1, updated_at = now(), updated_by = $2', [
      approvalRequired,
      updatedBy,
    ]);
  }

  /** Customers among ids that already wait in a pending transfer approval. */
  async pendingTransfers(tx: PoolClient, ids: string[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ customer_id: string }>(
      'SELECT customer_id FROM pending_transfer_customers WHERE customer_id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((row) => row.customer_id));
  }

  async reservePendingTransfer(tx: PoolClient, approvalId: string, ids: string[]): Promise<void> {
    await tx.query('INSERT INTO pending_transfer_customers (customer_id, approval_id) SELECT unnest($1::uuid[]), $2', [ids, approvalId]);
  }

  async releasePendingTransfer(tx: PoolClient, approvalId: string): Promise<void> {
    await tx.query('DELETE FROM pending_transfer_customers WHERE approval_id = $1', [approvalId]);
  }

  async names(db: Queryable, ids: string[]): Promise<Map<string, string>> {
    const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM customers WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Records a contact; only ever moves last_contacted_at forward. False for an unknown customer. */
  async markContacted(db: Queryable, customerId: string, contactedAt: Date): Promise<boolean> {
    const { rowCount } = await db.query(
      'UPDATE customers SET last_contacted_at = GREATEST(last_contacted_at, $2::timestamptz) WHERE id = $1',
      [customerId, contactedAt],
    );
    return rowCount === 1;
  }
}
