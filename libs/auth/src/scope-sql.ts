import type { DataScope } from './scope';

// The data scope as a SQL condition, so that lists and single reads filter in the database: a
// row outside the scope is never loaded at all. Same rules as canSeeRecord (scope.ts).

export interface SqlCondition {
  text: string;
  values: unknown[];
}

/** Where a table keeps what the scope looks at: column expressions, with the table's alias. */
export interface ScopeColumns {
  owner: string;
  unit: string;
  /** The 跟进人 column; records without followers leave it out. */
  follower?: string;
  /**
   * A condition "shared with one of these units", for records partners may see; given the
   * placeholders of the units (text[]) and of their LIKE prefixes (text[]). Without it, partners
   * see only records owned inside their organisation.
   */
  sharedWith?: (units: string, unitPrefixes: string) => string;
}

/** LIKE pattern of everything below a unit: `/Sales/East` → `/Sales/East/%`, wildcards escaped. */
export function unitPrefixPattern(unit: string): string {
  return `${unit.replace(/[\\%_]/g, (ch) => `\\${ch}`)}/%`;
}

/** Renders the scope with placeholders numbered from firstParam. */
export function scopeSql(scope: DataScope, columns: ScopeColumns, firstParam: number): SqlCondition {
  const p = (offset: number) => `$${firstParam + offset}`;
  switch (scope.kind) {
    case 'all':
      return { text: 'TRUE', values: [] };
    case 'own':
      return withFollowed(scope, columns, { text: `${columns.owner} = ${p(0)}`, values: [scope.userId] }, firstParam);
    case 'managed':
      return withFollowed(
        scope,
        columns,
        {
          text: `(${columns.owner} = ${p(0)} OR ${columns.unit} = ANY(${p(1)}::text[]) OR ${columns.unit} LIKE ANY(${p(2)}::text[]))`,
          values: [scope.userId, scope.units, scope.units.map(unitPrefixPattern)],
        },
        firstParam,
      );
    case 'partner': {
      // Owned inside the partner organisation, or shared with it.
      const owned = `${columns.unit} = ANY(${p(0)}::text[]) OR ${columns.unit} LIKE ANY(${p(1)}::text[])`;
      const shared = columns.sharedWith ? ` OR ${columns.sharedWith(p(0), p(1))}` : '';
      return { text: `(${owned}${shared})`, values: [scope.partnerUnits, scope.partnerUnits.map(unitPrefixPattern)] };
    }
    case 'none':
      return { text: 'FALSE', values: [] };
  }
}

// Read scopes carry the follower: the records the user follows join the owned ones.
function withFollowed(scope: { followerId?: string }, columns: ScopeColumns, owned: SqlCondition, firstParam: number): SqlCondition {
  if (scope.followerId === undefined || !columns.follower) return owned;
  const param = `$${firstParam + owned.values.length}`;
  return { text: `(${owned.text} OR ${columns.follower} = ${param})`, values: [...owned.values, scope.followerId] };
}
