import type { DataScope } from '@liaison/auth';

// The data scope as a SQL condition on the `customers` table (alias c), so that lists and
// single reads filter in the database: a row outside the scope is never loaded at all.

export interface SqlCondition {
  text: string;
  values: unknown[];
}

function likePrefix(unit: string): string {
  return `${unit.replace(/[\\%_]/g, (ch) => `\\${ch}`)}/%`;
}

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
  const p = (offset: number) => `$${firstParam + offset}`;
  switch (scope.kind) {
    case 'all':
      return { text: 'TRUE', values: [] };
    case 'own':
      return withFollowed(scope, { text: `c.owner_id = ${p(0)}`, values: [scope.userId] }, firstParam);
    case 'managed':
      return withFollowed(
        scope,
        {
          text: `(c.owner_id = ${p(0)} OR c.owner_unit = ANY(${p(1)}::text[]) OR c.owner_unit LIKE ANY(${p(2)}::text[]))`,
          values: [scope.userId, scope.units, scope.units.map(likePrefix)],
        },
        firstParam,
      );
    case 'partner':
      // Owned inside the partner organisation, or shared with it (same rule as canSeeRecord).
      return {
        text: `(c.owner_unit = ANY(${p(0)}::text[]) OR c.owner_unit LIKE ANY(${p(1)}::text[])
          OR EXISTS (SELECT 1 FROM customer_shares s WHERE s.customer_id = c.id AND (s.unit = ANY(${p(0)}::text[]) OR s.unit LIKE ANY(${p(1)}::text[]))))`,
        values: [scope.partnerUnits, scope.partnerUnits.map(likePrefix)],
      };
    case 'none':
      return { text: 'FALSE', values: [] };
  }
}

// Read scopes carry the follower (libs/auth): the customers the user follows join the owned ones.
function withFollowed(scope: { followerId?: string }, owned: SqlCondition, firstParam: number): SqlCondition {
  if (scope.followerId === undefined) return owned;
  const param = `$${firstParam + owned.values.length}`;
  return { text: `(${owned.text} OR c.follower_id = ${param})`, values: [...owned.values, scope.followerId] };
}

/**
 * A read scope split into what the user owns (or manages) and what they only follow, for lists
 * that must keep using owner-led sort indexes: an OR across two columns cannot walk one index in
 * order, a UNION of two branches can. Null when the scope has no follower branch.
 */
export function splitFollowed(scope: DataScope): { owned: DataScope; followerId: string } | null {
  if ((scope.kind !== 'own' && scope.kind !== 'managed') || scope.followerId === undefined) return null;
  const { followerId, ...owned } = scope;
  return { owned, followerId };
}
