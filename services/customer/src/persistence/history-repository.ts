import type { Queryable } from '@liaison/runtime';

/** One recorded change of a key field of a customer (table customer_history). */
export interface HistoryRecord {
  id: string;
  customerId: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  reason: string | null;
  changedBy: string;
  changedAt: Date;
}

interface HistoryRow {
  id: string;
  customer_id: string;
  field: string;
  old_value: unknown;
  new_value: unknown;
  reason: string | null;
  changed_by: string;
  changed_at: Date;
}

export interface HistoryPage {
  entries: HistoryRecord[];
  /** The id of the last entry when more follow. */
  nextAfterId: string | null;
}

/** Reads the history that CustomerService writes; the caller has checked the customer's scope. */
export class HistoryRepository {
  async listOfCustomer(db: Queryable, customerId: string, limit: number, beforeId?: string): Promise<HistoryPage> {
    const { rows } = await db.query<HistoryRow>(
      `SELECT id, customer_id, field, old_value, new_value, reason, changed_by, changed_at
       FROM customer_history
       WHERE customer_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $3`,
      [customerId, beforeId ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      entries: page.map(toRecord),
      nextAfterId: rows.length > limit ? page[page.length - 1].id : null,
    };
  }
}

function toRecord(row: HistoryRow): HistoryRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    field: row.field,
    oldValue: row.old_value,
    newValue: row.new_value,
    reason: row.reason,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  };
}
