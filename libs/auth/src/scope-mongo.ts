import type { DataScope } from './scope';

// The data scope as a MongoDB query filter, for the services on MongoDB (service tickets,
// messaging, telephony): the same rules as canSeeRecord (scope.ts) and scopeSql (scope-sql.ts),
// written with operators FerretDB serves as well ($or, $in, anchored $regex).

export type MongoFilter = Record<string, unknown>;

/** Where a collection keeps what the scope looks at: dotted field paths. */
export interface ScopeFields {
  owner: string;
  unit: string;
  follower?: string;
  /** An array of units the document is shared with (partners see those). */
  sharedWith?: string;
}

/** Matches no document (an empty $or would be refused by the server). */
const NOTHING: MongoFilter = { _id: { $in: [] } };

/** The scope as a filter; combine it with the query's own conditions under $and. */
export function scopeFilter(scope: DataScope, fields: ScopeFields): MongoFilter {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'own':
      return anyOf([{ [fields.owner]: scope.userId }, ...followed(scope, fields)]);
    case 'managed':
      return anyOf([{ [fields.owner]: scope.userId }, ...unitsCondition(fields.unit, scope.units), ...followed(scope, fields)]);
    case 'partner':
      return anyOf([
        ...unitsCondition(fields.unit, scope.partnerUnits),
        ...(fields.sharedWith ? unitsCondition(fields.sharedWith, scope.partnerUnits) : []),
      ]);
    case 'none':
      return NOTHING;
  }
}

function anyOf(conditions: MongoFilter[]): MongoFilter {
  if (conditions.length === 0) return NOTHING;
  return conditions.length === 1 ? conditions[0] : { $or: conditions };
}

// A unit or anything below it. On an array field (sharedWith) both operators match an element.
function unitsCondition(field: string, units: readonly string[]): MongoFilter[] {
  if (units.length === 0) return [];
  return [{ [field]: { $in: [...units] } }, ...units.map((unit) => ({ [field]: { $regex: `^${escapeRegex(unit)}/` } }))];
}

function followed(scope: { followerId?: string }, fields: ScopeFields): MongoFilter[] {
  return scope.followerId !== undefined && fields.follower ? [{ [fields.follower]: scope.followerId }] : [];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
