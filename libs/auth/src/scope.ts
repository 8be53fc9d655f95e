// Which records a principal may see. Permissions say what a role may do to a module; the scope
// says to which rows. Org units are Keycloak group paths, and a unit covers itself and every unit
// below it in the tree. The rules are written once here, over owned records (an owner, the
// owner's unit, an optional follower, optional units the record is shared with), and rendered
// for each store: canSeeRecord in memory, scope-sql.ts for PostgreSQL, scope-mongo.ts for MongoDB.
import { can, type Module } from './permissions';
import type { Principal } from './principal';

export type DataScope =
  | { kind: 'all' }
  | { kind: 'managed'; userId: string; units: string[]; followerId?: string }
  | { kind: 'own'; userId: string; followerId?: string }
  | { kind: 'partner'; partnerUnits: string[] }
  | { kind: 'none' };

export interface ScopedRecord {
  ownerId: string;
  /** The 跟进人 who works the customer for its owner (CUS-06); read scopes include it. */
  followerId?: string | null;
  ownerUnit?: string | null;
  sharedWithUnits?: readonly string[] | null;
}

export type ScopeKind = DataScope['kind'];

/** How widely each realm role sees the records of a module; roles absent here see none. */
export type ScopePolicy = Readonly<Record<string, ScopeKind>>;

// Roles absent here see no customer rows, even if the permission table lets them read.
export const customerScopePolicy: ScopePolicy = {
  'admin': 'all',
  'director': 'all',
  'internal-service': 'all',
  'erp-integration': 'all',
  'analyst': 'all',
  'sales-manager': 'managed',
  // The service desk must find whichever customer calls in; these roles cannot change customers.
  'service-manager': 'all',
  'service-agent': 'all',
  'sales-rep': 'own',
  'partner': 'partner',
};

// Sales records (leads, opportunities, quotes, …): the customers' hierarchy; the analyst reads all.
// Roles absent here see none; partners get their own rules with quotes and orders.
export const salesScopePolicy: ScopePolicy = {
  'admin': 'all',
  'director': 'all',
  'analyst': 'all',
  'internal-service': 'all',
  'erp-integration': 'all',
  'sales-manager': 'managed',
  'sales-rep': 'own',
};

// Widest first. A manager's scope contains its own records, so it outranks `own`; `partner`
// and `own` are disjoint, and a partner user's own records are preferred over partner sharing.
const widestFirst: readonly ScopeKind[] = ['all', 'managed', 'own', 'partner', 'none'];

const PARTNER_ROOT = '/Partners';

/**
 * The customers a principal may read. A rep or manager also reads the customers they follow
 * (跟进人) for another owner: a follower must see what they were asked to work on.
 */
export function customerScopeOf(principal: Principal): DataScope {
  return readScopeOf(principal, customerScopePolicy);
}

/** The records of a module a principal may read, under the module's policy; read scopes include followed records. */
export function readScopeOf(principal: Principal, policy: ScopePolicy): DataScope {
  return withFollowed(widestScope(principal.roles, principal, policy), principal);
}

/**
 * The customers on which a principal may record follow-ups: the write scope plus the customers
 * they follow, since following up is the follower's whole job. Ownership, contacts and the
 * customer record itself stay with the write scope.
 */
export function followUpWriteScopeOf(principal: Principal): DataScope {
  return withFollowed(customerWriteScopeOf(principal), principal);
}

function withFollowed(scope: DataScope, principal: Principal): DataScope {
  return scope.kind === 'own' || scope.kind === 'managed' ? { ...scope, followerId: principal.userId } : scope;
}

/**
 * The customers a principal may change: the widest scope among only those roles that may update
 * customers at all, so a read-wide role (service agent, analyst) never widens a rep's writes; and
 * partner shares are read-only.
 */
export function customerWriteScopeOf(principal: Principal): DataScope {
  return writeScopeOf(principal, customerScopePolicy, 'customer');
}

/**
 * The records of a module a principal may change: the widest scope among only the roles that may
 * update the module, so that a read-wide role never widens writes; partner shares are read-only.
 */
export function writeScopeOf(principal: Principal, policy: ScopePolicy, module: Module): DataScope {
  const writers = principal.roles.filter((role) => can({ roles: [role] }, module, 'update'));
  const scope = widestScope(writers, principal, policy);
  return scope.kind === 'partner' ? { kind: 'none' } : scope;
}

function widestScope(roles: readonly string[], principal: Principal, policy: ScopePolicy): DataScope {
  const kinds = new Set(roles.map((role) => scopeKindOf(role, policy)));
  const widest = widestFirst.find((kind) => kinds.has(kind)) ?? 'none';
  return scopeOfKind(widest, principal);
}

function scopeKindOf(role: string, policy: ScopePolicy): ScopeKind {
  return Object.hasOwn(policy, role) ? policy[role] : 'none';
}

function scopeOfKind(kind: ScopeKind, principal: Principal): DataScope {
  switch (kind) {
    case 'all':
      return { kind };
    case 'managed':
      return { kind, userId: principal.userId, units: principal.manages.filter(isUnitPath) };
    case 'own':
      return { kind, userId: principal.userId };
    case 'partner':
      return { kind, partnerUnits: partnerOrgsOf(principal.units) };
    case 'none':
      return { kind };
  }
}

// The partner organisation (`/Partners/Acme`) is the sharing boundary, so a member of one of its
// sub-groups sees what is shared with the organisation as a whole.
function partnerOrgsOf(units: readonly string[]): string[] {
  const orgs = units
    .filter((unit) => unitCovers(PARTNER_ROOT, unit) && unit !== PARTNER_ROOT)
    .map((unit) => unit.split('/').slice(0, 3).join('/'));
  return [...new Set(orgs)];
}

/**
 * True when `unit` is `managedUnit` or lies below it: `/Sales/East` covers `/Sales/East/Shanghai`
 * but not `/Sales/Eastern`. Malformed paths (relative, empty, trailing slash) cover nothing.
 */
export function unitCovers(managedUnit: string, unit: string): boolean {
  if (!isUnitPath(managedUnit) || !isUnitPath(unit)) return false;
  return unit === managedUnit || unit.startsWith(`${managedUnit}/`);
}

export function canSeeRecord(scope: DataScope, record: ScopedRecord): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'managed':
      return record.ownerId === scope.userId || coveredByAny(scope.units, record.ownerUnit) || followedBy(scope, record);
    case 'own':
      return record.ownerId === scope.userId || followedBy(scope, record);
    case 'partner':
      return [record.ownerUnit, ...(record.sharedWithUnits ?? [])].some((unit) => coveredByAny(scope.partnerUnits, unit));
    case 'none':
      return false;
  }
}

function followedBy(scope: { followerId?: string }, record: ScopedRecord): boolean {
  return scope.followerId !== undefined && record.followerId === scope.followerId;
}

function coveredByAny(units: readonly string[], unit: string | null | undefined): boolean {
  return typeof unit === 'string' && units.some((managed) => unitCovers(managed, unit));
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

// An absolute group path without empty segments: `/A/B`, never `/`, `A/B`, `/A/` or `/A//B`.
export function isUnitPath(path: string): boolean {
  return path.length > 1 && path.startsWith('/') && !path.split('/').slice(1).includes('');
}
