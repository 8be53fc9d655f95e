import type { DataScope } from '@liaison/auth';
import { AppError, type PoolClient, type Queryable } from '@liaison/runtime';
import type { Customer } from '../domain/customer';
import type { DuplicateReason } from '../domain/merge-duplicates';
import { COLUMNS, toCustomer, type CustomerRow } from './customer-repository';
import { scopeCondition, scopeConditionAnyState } from './scope-sql';

// SQL of the maintenance use cases: duplicate keys, merge (with the generic re-pointing of every
// row that refers to a customer), soft delete and the recycle bin, and partner shares.

export interface LockedCustomer {
  customer: Customer;
  /** Inside the caller's write scope, not only its read scope. */
  writable: boolean;
}

export interface DuplicatePairRow {
  firstId: string;
  secondId: string;
  reasons: DuplicateReason[];
  /** Keyset position of the pair: the newer customer's seq, then the older one's. */
  position: [string, string];
}

export interface CandidateRow {
  id: string;
  seq: number;
  reasons: DuplicateReason[];
}

export interface DeletedCustomerRow {
  customer: Customer;
  deletedAt: Date;
  deletedBy: string | null;
  reason: string | null;
  /** Keyset position: deleted_at in PostgreSQL's full precision, then seq. */
  position: [string, string];
}

export interface Share {
  customerId: string;
  unit: string;
  sharedAt: Date;
  sharedBy: string | null;
}

/** A column holding a customer id, by a foreign key to customers (id). */
export interface CustomerReference {
  table: string;
  column: string;
}

const REFERENCES_TO_CUSTOMERS = `
  SELECT format('%I.%I', ns.nspname, cl.relname) AS "table", format('%I', col.attname) AS "column"
  FROM pg_constraint con
  JOIN pg_class cl ON cl.oid = con.conrelid
  JOIN pg_namespace ns ON ns.oid = cl.relnamespace
  JOIN pg_attribute col ON col.attrelid = con.conrelid AND col.attnum = con.conkey[1]
  JOIN pg_attribute target ON target.attrelid = con.confrelid AND target.attnum = con.confkey[1]
  WHERE con.contype = 'f' AND con.confrelid = 'customers'::regclass
    AND cardinality(con.conkey) = 1 AND target.attname = 'id'
  ORDER BY 1, 2`;

interface MergeReconciliation {
  table: string;
  apply: (tx: PoolClient, mergedId: string, survivorId: string) => Promise<unknown>;
}

// Rows of the merged customer that would collide with the survivor's once moved, and the rule
// for each; applied only where the feature's table exists.
const MERGE_RECONCILIATIONS: MergeReconciliation[] = [
  // The survivor already reaches these partners.
  {
    table: 'customer_shares',
    apply: (tx, mergedId, survivorId) =>
      tx.query(
        `DELETE FROM customer_shares m WHERE m.customer_id = $1
         AND EXISTS (SELECT 1 FROM customer_shares s WHERE s.customer_id = $2 AND s.unit = m.unit)`,
        [mergedId, survivorId],
      ),
  },
  // One primary contact per customer: the survivor's stays primary.
  {
    table: 'contacts',
    apply: (tx, mergedId, survivorId) =>
      tx.query(
        `UPDATE contacts m SET is_primary = false, version = m.version + 1, updated_at = now()
       WHERE m.customer_id = $1 AND m.is_primary AND m.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM contacts s WHERE s.customer_id = $2 AND s.is_primary AND s.deleted_at IS NULL)`,
        [mergedId, survivorId],
      ),
  },
  // Derived figures of the 360 view, one row per customer: the projection recomputes the
  // survivor's from the facts, which move with the merge.
  {
    table: 'customer_summary',
    apply: (tx, mergedId) => tx.query('DELETE FROM customer_summary WHERE customer_id = $1', [mergedId]),
  },
];

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

type ShareRow = { customer_id: string; unit: string; shared_at: Date; shared_by: string | null };

function toShare(row: ShareRow): Share {
  return { customerId: row.customer_id, unit: row.unit, sharedAt: row.shared_at, sharedBy: row.shared_by };
}

function reasonsOf(row: { same_name: boolean | null; same_phone: boolean | null; same_email: boolean | null }): DuplicateReason[] {
  return [row.same_name && 'name', row.same_phone && 'phone', row.same_email && 'email'].filter(Boolean) as DuplicateReason[];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export class CustomerMaintenanceRepository {
  private references: CustomerReference[] | undefined;

  // ------------------------------------------------------------------------------------------
  // Reading and locking

  /**
   * Locks, in id order (so that concurrent bulk calls cannot deadlock), the live customers among
   * `ids` that the caller may see; ids it may not see are absent from the answer.
   */
  async lockVisible(tx: PoolClient, ids: string[], readScope: DataScope, writeScope: DataScope): Promise<Map<string, LockedCustomer>> {
    const read = scopeCondition(readScope, 2);
    const write = scopeCondition(writeScope, 2 + read.values.length);
    const { rows } = await tx.query<CustomerRow & { writable: boolean }>(
      `SELECT ${COLUMNS}, coalesce(${write.text}, false) AS writable FROM customers c
       WHERE c.id = ANY($1::uuid[]) AND ${read.text} ORDER BY c.id FOR UPDATE`,
      [ids, ...read.values, ...write.values],
    );
    return new Map(rows.map((row) => [row.id, { customer: toCustomer(row), writable: row.writable }]));
  }

  async visibleIds(db: Queryable, ids: string[], scope: DataScope): Promise<Set<string>> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<{ id: string }>(`SELECT c.id FROM customers c WHERE c.id = ANY($1::uuid[]) AND ${condition.text}`, [
      ids,
      ...condition.values,
    ]);
    return new Set(rows.map((row) => row.id));
  }

  async customersByIds(db: Queryable, ids: string[]): Promise<Map<string, Customer>> {
    const { rows } = await db.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id, toCustomer(row)]));
  }

  /** The survivor a customer was merged into, when the caller may see both (the merged one as it was). */
  async visibleSurvivorOf(db: Queryable, mergedId: string, scope: DataScope): Promise<string | null> {
    const merged = scopeConditionAnyState(scope, 2);
    const survivor = scopeCondition(scope, 2);
    const { rows } = await db.query<{ id: string }>(
      `SELECT c.id FROM customers c
       WHERE c.id = (SELECT c.merged_into FROM customers c WHERE c.id = $1 AND ${merged.text}) AND ${survivor.text}`,
      [mergedId, ...merged.values],
    );
    return rows[0]?.id ?? null;
  }

  // ------------------------------------------------------------------------------------------
  // Duplicates

  /** Every pair of live customers in the scope that share a key, newest pairs first. */
  async duplicatePairs(
    db: Queryable,
    scope: DataScope,
    after: [string, string] | undefined,
    limit: number,
  ): Promise<{ pairs: DuplicatePairRow[]; more: boolean }> {
    const condition = scopeCondition(scope, 1);
    const values: unknown[] = [...condition.values];
    const add = (value: unknown) => `$${values.push(value)}`;
    const page = after ? `WHERE (second_seq, first_seq) < (${add(after[0])}::bigint, ${add(after[1])}::bigint)` : '';
    const join = (key: string) => `SELECT a.id AS first_id, a.seq AS first_seq, b.id AS second_id, b.seq AS second_seq, '${key}' AS reason
      FROM live a JOIN live b ON b.${key}_key = a.${key}_key AND a.seq < b.seq`;
    const { rows } = await db.query<{
      first_id: string;
      second_id: string;
      first_key: string;
      second_key: string;
      reasons: DuplicateReason[];
    }>(
      `WITH live AS MATERIALIZED (
         SELECT c.id, c.seq, c.name_key, c.phone_key, lower(c.email) AS email_key FROM customers c WHERE ${condition.text}
       ), pairs AS (${join('name')} UNION ALL ${join('phone')} UNION ALL ${join('email')})
       SELECT first_id, second_id, first_seq::text AS first_key, second_seq::text AS second_key, array_agg(reason) AS reasons
       FROM pairs ${page}
       GROUP BY first_id, first_seq, second_id, second_seq
       ORDER BY second_seq DESC, first_seq DESC LIMIT ${add(limit + 1)}`,
      values,
    );
    const pairs = rows.slice(0, limit).map((row) => ({
      firstId: row.first_id,
      secondId: row.second_id,
      reasons: row.reasons,
      position: [row.second_key, row.first_key] as [string, string],
    }));
    return { pairs, more: rows.length > limit };
  }

  /** Live customers in the scope sharing a key with the given one; null when it is not in the scope. */
  async candidatesFor(db: Queryable, id: string, scope: DataScope, limit: number): Promise<CandidateRow[] | null> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<{
      id: string | null;
      seq: string | null;
      same_name: boolean | null;
      same_phone: boolean | null;
      same_email: boolean | null;
    }>(
      `WITH target AS (
         SELECT c.id, c.name_key, c.phone_key, lower(c.email) AS email_key FROM customers c WHERE c.id = $1 AND ${condition.text}
       )
       SELECT c.id, c.seq::text, c.name_key = t.name_key AS same_name, c.phone_key = t.phone_key AS same_phone, lower(c.email) = t.email_key AS same_email
       FROM target t LEFT JOIN customers c ON c.id <> t.id AND ${condition.text}
         AND (c.name_key = t.name_key OR c.phone_key = t.phone_key OR lower(c.email) = t.email_key)
       LIMIT ${Number(limit) + 1}`,
      [id, ...condition.values],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, seq: Number(row.seq), reasons: reasonsOf(row) }));
  }

  // ------------------------------------------------------------------------------------------
  // Merge

  /**
   * Moves every row that refers to `fromId` by a foreign key to customers (id) over to `toId`:
   * the tables are found in the catalog, so tables added by later features move too. Rows that
   * would then collide with the survivor's are reconciled first where the rule is known
   * (MERGE_RECONCILIATIONS); any other collision fails the merge as merge_conflict.
   */
  async repointReferences(tx: PoolClient, fromId: string, toId: string): Promise<void> {
    for (const reconciliation of MERGE_RECONCILIATIONS) {
      const { rows } = await tx.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [reconciliation.table]);
      if (rows[0].present) await reconciliation.apply(tx, fromId, toId);
    }
    for (const reference of await this.customerReferences(tx)) {
      await tx
        .query(`UPDATE ${reference.table} SET ${reference.column} = $2 WHERE ${reference.column} = $1`, [fromId, toId])
        .catch((error: unknown) => {
          throw mergeFailure(error, reference);
        });
    }
  }

  /** Cached: the schema only changes through migrations, which run before the service serves. */
  async customerReferences(db: Queryable): Promise<CustomerReference[]> {
    this.references ??= (await db.query<CustomerReference>(REFERENCES_TO_CUSTOMERS)).rows;
    return this.references;
  }

  async markMerged(tx: PoolClient, mergedId: string, survivorId: string, actorId: string, reason: string | null): Promise<Customer> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET merged_into = $2, deleted_at = now(), deleted_by = $3, delete_reason = $4,
         version = c.version + 1, updated_at = now(), updated_by = $3
       WHERE c.id = $1 RETURNING ${COLUMNS}`,
      [mergedId, survivorId, actorId, reason],
    );
    return toCustomer(rows[0]);
  }

  // ------------------------------------------------------------------------------------------
  // Delete, restore, recycle bin

  async markDeleted(tx: PoolClient, ids: string[], actorId: string, reason: string | null): Promise<Customer[]> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET deleted_at = now(), deleted_by = $2, delete_reason = $3,
         version = c.version + 1, updated_at = now(), updated_by = $2
       WHERE c.id = ANY($1::uuid[]) AND c.deleted_at IS NULL RETURNING ${COLUMNS}`,
      [ids, actorId, reason],
    );
    return rows.map(toCustomer);
  }

  /** Locks the deleted (not merged) customers among ids inside the scope; returns their ids. */
  async lockDeleted(tx: PoolClient, ids: string[], scope: DataScope): Promise<Set<string>> {
    const condition = scopeConditionAnyState(scope, 2);
    const { rows } = await tx.query<{ id: string }>(
      `SELECT c.id FROM customers c WHERE c.id = ANY($1::uuid[]) AND c.deleted_at IS NOT NULL AND c.merged_into IS NULL
         AND ${condition.text} ORDER BY c.id FOR UPDATE`,
      [ids, ...condition.values],
    );
    return new Set(rows.map((row) => row.id));
  }

  async restore(tx: PoolClient, ids: string[], actorId: string): Promise<Customer[]> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET deleted_at = NULL, deleted_by = NULL, delete_reason = NULL,
         version = c.version + 1, updated_at = now(), updated_by = $2
       WHERE c.id = ANY($1::uuid[]) AND c.deleted_at IS NOT NULL AND c.merged_into IS NULL RETURNING ${COLUMNS}`,
      [ids, actorId],
    );
    return rows.map(toCustomer);
  }

  async listDeleted(
    db: Queryable,
    scope: DataScope,
    filter: { nameContains?: string; after?: [string, string]; limit: number },
  ): Promise<{ items: DeletedCustomerRow[]; more: boolean }> {
    const condition = scopeConditionAnyState(scope, 1);
    const values: unknown[] = [...condition.values];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where = [condition.text, 'c.deleted_at IS NOT NULL', 'c.merged_into IS NULL'];
    if (filter.nameContains) where.push(`c.name ILIKE ${add(`%${escapeLike(filter.nameContains)}%`)}`);
    if (filter.after) where.push(`(c.deleted_at, c.seq) < (${add(filter.after[0])}::timestamptz, ${add(filter.after[1])}::bigint)`);
    const { rows } = await db.query<
      CustomerRow & { deleted_at: Date; deleted_key: string; deleted_by: string | null; delete_reason: string | null }
    >(
      `SELECT ${COLUMNS}, c.deleted_at, c.deleted_at::text AS deleted_key, c.deleted_by, c.delete_reason FROM customers c
       WHERE ${where.join(' AND ')} ORDER BY c.deleted_at DESC, c.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const items = rows.slice(0, filter.limit).map((row) => ({
      customer: toCustomer(row),
      deletedAt: row.deleted_at,
      deletedBy: row.deleted_by,
      reason: row.delete_reason,
      position: [row.deleted_key, row.seq] as [string, string],
    }));
    return { items, more: rows.length > filter.limit };
  }

  // ------------------------------------------------------------------------------------------
  // Shares

  /** Idempotent: an existing share is returned as it is, with created false. */
  async addShare(tx: PoolClient, customerId: string, unit: string, actorId: string): Promise<{ share: Share; created: boolean }> {
    const inserted = await tx.query<ShareRow>(
      `INSERT INTO customer_shares (customer_id, unit, shared_by) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id, unit) DO NOTHING RETURNING customer_id, unit, shared_at, shared_by`,
      [customerId, unit, actorId],
    );
    if (inserted.rows[0]) return { share: toShare(inserted.rows[0]), created: true };
    const existing = await tx.query<ShareRow>(
      'SELECT customer_id, unit, shared_at, shared_by FROM customer_shares WHERE customer_id = $1 AND unit = $2',
      [customerId, unit],
    );
    return { share: toShare(existing.rows[0]), created: false };
  }

  async removeShare(tx: PoolClient, customerId: string, unit: string): Promise<boolean> {
    const { rowCount } = await tx.query('DELETE FROM customer_shares WHERE customer_id = $1 AND unit = $2', [customerId, unit]);
    return rowCount === 1;
  }

  /** The customer's shares, only those with units at or below `onlyUnits` when given. */
  async listShares(db: Queryable, customerId: string, onlyUnits?: string[]): Promise<Share[]> {
    const values: unknown[] = [customerId];
    let filter = '';
    if (onlyUnits) {
      values.push(
        onlyUnits,
        onlyUnits.map((unit) => `${escapeLike(unit)}/%`),
      );
      filter = 'AND (s.unit = ANY($2::text[]) OR s.unit LIKE ANY($3::text[]))';
    }
    const { rows } = await db.query<ShareRow>(
      `SELECT s.customer_id, s.unit, s.shared_at, s.shared_by FROM customer_shares s WHERE s.customer_id = $1 ${filter} ORDER BY s.unit`,
      values,
    );
    return rows.map(toShare);
  }
}

// A collision the merge cannot resolve by itself is the caller's to resolve first (e.g. two
// contacts with the same login account); nothing is lost silently.
function mergeFailure(error: unknown, reference: CustomerReference): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === UNIQUE_VIOLATION) {
    return new AppError(
      'failed_precondition',
      `both customers hold records that must be unique per customer (${constraint ?? reference.table}); resolve that first`,
      [],
      'merge_conflict',
    );
  }
  if (code === FOREIGN_KEY_VIOLATION) {
    return new AppError(
      'failed_precondition',
      `records of ${reference.table} cannot move to the survivor (${constraint ?? 'foreign key'}); the key referring to them must cascade updates`,
      [],
      'merge_blocked',
    );
  }
  return error;
}
