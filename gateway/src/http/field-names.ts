import { AppError } from '@liaison/runtime';

// Services name the fields of their violations as protobuf does (`to_owner_unit`,
// `customer_ids[2]`, `page_token`); a REST client sent JSON (`toOwnerUnit`, `customerIds[2]`,
// `pageToken`) and must be told in its own names, on every route alike. Most names differ only
// in casing; where the JSON shape differs from the protobuf one, a route names the difference.

/**
 * Renames of one route, applied after the casing: a field path or its leading part (up to a `.`
 * or `[`) as the service names it in camelCase → the JSON name; '' drops that part. null keeps a
 * field under that path as the service named it, for names the client chose (CSV columns).
 * E.g. `{ mergedExpectedVersion: 'mergedVersion', settings: '' }`.
 */
export type FieldNames = Readonly<Record<string, string | null>>;

// True of every route: the version a write expects is `version` (or If-Match) in JSON, paging
// sits at the top of the query, and an update mask names fields of the body.
const EVERY_ROUTE: FieldNames = { expectedVersion: 'version', page: '', updateMask: '' };

/** Routes whose path names the customer `{id}` that protobuf calls customer_id. */
export const CUSTOMER_IN_PATH: FieldNames = { customerId: 'id' };

/** Searches: the query's q and phone are protobuf's name_contains and phone_contains. */
export const SEARCH_QUERY: FieldNames = { nameContains: 'q', phoneContains: 'phone' };

// Maps whose keys are the client's own names (custom field keys): never recased.
const KEYED_BY_CLIENT = new Set(['custom_fields']);

const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** `customer_ids[2]` → `customerIds[2]`; a custom field key keeps its spelling. */
export function camelCaseField(field: string): string {
  const segments = field.split('.');
  return segments.map((segment, i) => (i > 0 && KEYED_BY_CLIENT.has(segments[i - 1]) ? segment : camelCase(segment))).join('.');
}

const startsWithPath = (field: string, path: string) => field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);

function rename(field: string, renames: FieldNames): string | undefined {
  const from = Object.keys(renames)
    .filter((path) => renames[path] !== null && startsWithPath(field, path))
    .sort((a, b) => b.length - a.length)[0];
  if (from === undefined) return undefined;
  const rest = field.slice(from.length);
  const to = renames[from];
  if (to) return to + rest;
  return rest.replace(/^\./, '') || field;
}

/** The JSON name of a field a service named: the route's renames first, then those of every route. */
export function jsonFieldName(field: string, renames: FieldNames = {}): string {
  const asSent = Object.keys(renames).some((path) => renames[path] === null && startsWithPath(field, path));
  if (asSent) return field;
  const camel = camelCaseField(field);
  return rename(camel, renames) ?? rename(camel, EVERY_ROUTE) ?? camel;
}

/** The service's error with its violations in JSON names. */
export function withJsonFieldNames(error: AppError, renames: FieldNames = {}): AppError {
  if (!error.violations.length) return error;
  const violations = error.violations.map((violation) => ({ ...violation, field: jsonFieldName(violation.field, renames) }));
  return new AppError(error.code, error.message, violations, error.reason);
}
