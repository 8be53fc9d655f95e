import { scopeSql, type DataScope, type ScopeColumns, type SqlCondition } from '@liaison/auth';

// The data scope (libs/auth) on the `customers` table, alias c. Partners also see the customers
// shared with their organisation (customer_shares).

export type { SqlCondition };

const CUSTOMER_COLUMNS: ScopeColumns = {
  owner: 'c.owner_id',
  unit: 'c.owner_unit',
  follower: 'c.follower_id',
  sharedWith: (units, prefixes) =>
    `EXISTS (SELECT 1 FROM customer_shares s WHERE s.customer_id = c.id AND (s.unit = ANY(${units}::text[]) OR s.unit LIKE ANY(${prefixes}::text[])))`,
};

/**
 * Renders the condition with placeholders numbered from firstParam. Deleted and merged customers
 * (deleted_at set, migration 0080) are outside every scope, so every read and write built on this
 * condition hides them; only the recycle bin and the merge look past it (scopeConditionAnyState).
 */
export function scopeCondition(scope: DataScope, firstParam: number): SqlCondition {
  const inScope = scopeConditionAnyState(scope, firstParam);
  return { text: `(c.deleted_at IS NULL AND ${inScope.text})`, values: inScope.values };
}

/** The data scope alone, deleted and merged customers included. */
export function scopeConditionAnyState(scope: DataScope, firstParam: number): SqlCondition {
  return scopeSql(scope, CUSTOMER_COLUMNS, firstParam);
}
