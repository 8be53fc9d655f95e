import { customerWriteScopeOf, unitCovers, type Principal } from '@liaison/auth';
import { AppError, isUuid, requireUuid, type FieldViolation } from '@liaison/runtime';
import type { CustomerKind } from './customer';
import type { Category } from './lifecycle';

// Ownership of customers: who may hand a customer to whom, and the shapes the use cases share.
//
// The service has no user directory: user ids are Keycloak `sub` values it cannot look up. So
// whoever hands a customer to a user names that user's org unit as well, and the unit is what
// is checked: a supervisor may name only units they manage (the token's `manages`, covering the
// units below), an admin any unit. The unit then decides who else sees the customer.

export type ChangeKind = 'create' | 'claim' | 'release' | 'assign' | 'transfer' | 'return_to_pool' | 'handover';

export interface OwnerRef {
  ownerId: string | null;
  ownerUnit: string | null;
}

export interface FollowerRef {
  id: string;
  unit: string | null;
}

export interface OwnershipChange {
  customerId: string;
  kind: ChangeKind;
  from: OwnerRef;
  to: OwnerRef;
  reason: string | null;
  actorId: string;
  changedAt: Date;
}

/** A customer's ownership as locked for a change, with what the caller may do with it. */
export interface OwnershipState {
  id: string;
  ownerId: string | null;
  ownerUnit: string | null;
  category: Category;
  pendingSince: Date | null;
  lastContactedAt: Date | null;
  follower: FollowerRef | null;
  lastPooledAt: Date | null;
  inReadScope: boolean;
  inWriteScope: boolean;
}

/** What pool readers see of a pool customer: no contact details before they claim it. */
export interface PoolCustomer {
  id: string;
  name: string;
  kind: CustomerKind;
  category: Category;
  industry: string | null;
  source: string | null;
  nature: string | null;
  province: string | null;
  city: string | null;
  starRating: number;
  pooledAt: Date | null;
  lastContactedAt: Date | null;
}

/** CUS-07: whether a transfer by anyone but an admin needs approval. */
export interface TransferSettings {
  approvalRequired: boolean;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

export interface PoolRule {
  enabled: boolean;
  daysWithoutContact: number;
  excludedCategories: Category[];
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
export const MAX_BULK = 200;
const MAX_REASON = 500;
const MAX_USER_ID = 100;

/** The id in the database's (lower case) form. */
export function checkCustomerId(id: string, field = 'customer_id'): string {
  return requireUuid(id, field);
}

/** 1..200 distinct UUIDs, each violation named by its index. */
export function checkCustomerIds(ids: string[]): string[] {
  if (ids.length === 0 || ids.length > MAX_BULK) {
    throw AppError.invalid('customer_ids must name 1 to 200 customers', [{ field: 'customer_ids', message: `give 1 to ${MAX_BULK} ids` }]);
  }
  const violations = customerIdViolations(ids);
  if (violations.length > 0) throw AppError.invalid('customer_ids are invalid', violations);
  return ids.map((id) => id.toLowerCase());
}

/** Each malformed or repeated id of `customer_ids`, named by its index. */
export function customerIdViolations(ids: string[]): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (!isUuid(id)) violations.push({ field: `customer_ids[${index}]`, message: 'must be a UUID' });
    else if (seen.has(id.toLowerCase())) violations.push({ field: `customer_ids[${index}]`, message: 'is repeated' });
    seen.add(id.toLowerCase());
  });
  return violations;
}

/** Trimmed NFC reason; `required` makes an empty one a violation. */
export function cleanReason(raw: string, required: boolean): string | null {
  const reason = raw.normalize('NFC').trim();
  if (required && !reason) throw AppError.invalid('reason is required', [{ field: 'reason', message: 'say why' }]);
  if ([...reason].length > MAX_REASON)
    throw AppError.invalid('reason is too long', [{ field: 'reason', message: `must be at most ${MAX_REASON} characters` }]);
  if (CONTROL_CHARS.test(reason.replace(/[\n\t]/g, ' ')))
    throw AppError.invalid('reason contains control characters', [{ field: 'reason', message: 'must not contain control characters' }]);
  return reason || null;
}

export interface Recipient {
  userId: string;
  unit: string;
}

/** Validates a (user id, unit) pair named by the caller, e.g. the assignee. */
export function checkRecipient(userId: string, unit: string, fields: { user: string; unit: string }): Recipient {
  const violations: FieldViolation[] = [];
  const id = userId.trim();
  if (!id || id.length > MAX_USER_ID || CONTROL_CHARS.test(id))
    violations.push({ field: fields.user, message: `must be a user id of 1 to ${MAX_USER_ID} characters` });
  if (!isUnitPath(unit)) violations.push({ field: fields.unit, message: UNIT_MESSAGE });
  if (violations.length > 0) throw AppError.invalid('the recipient is invalid', violations);
  return { userId: id, unit };
}

const UNIT_MESSAGE = 'must be an org unit path such as /Sales/East';

// unitCovers accepts only well-formed absolute group paths, so a unit covering itself is one.
function isUnitPath(unit: string): boolean {
  return unitCovers(unit, unit);
}

export function checkUnit(unit: string, field: string): string {
  if (!isUnitPath(unit)) throw AppError.invalid('unit is invalid', [{ field, message: UNIT_MESSAGE }]);
  return unit;
}

/** An admin hands customers to any unit; everyone else only into units they manage. */
export function requireUnitAuthority(principal: Principal, unit: string, field: string): void {
  if (customerWriteScopeOf(principal).kind === 'all') return;
  if (principal.manages.some((managed) => unitCovers(managed, unit))) return;
  throw new AppError(
    'permission_denied',
    `you do not manage ${unit}`,
    [{ field, message: 'is not a unit you manage' }],
    'unit_not_managed',
  );
}

/** The unit a user's own customers belong to: the most specific group they are in. */
export function homeUnitOf(principal: Principal): string | null {
  const units = [...principal.units].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  return units[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Bulk refusals: all or nothing, and the error names every refused id.

export type RefusalCode =
  'not_found' | 'read_only' | 'already_in_pool' | 'owned_use_transfer' | 'already_owner' | 'in_pool' | 'owner_changed' | 'transfer_pending';

export interface Refusal {
  index: number;
  code: RefusalCode;
}

const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  not_found: 'not_found: no such customer in your scope',
  read_only: 'read_only: you may read but not change this customer',
  already_in_pool: 'already_in_pool: the customer has no owner',
  owned_use_transfer: 'owned_use_transfer: the customer is owned and worked; transfer it instead',
  already_owner: 'already_owner: the customer already belongs to this user',
  in_pool: 'in_pool: the customer is in the pool; assign it instead',
  owner_changed: 'owner_changed: the customer changed hands since the transfer was requested',
  transfer_pending: 'transfer_pending: a transfer of this customer already awaits approval',
};

/**
 * One error for a refused bulk request. When every refusal has the same cause, the error is that
 * cause (so a single out-of-scope id is a plain not_found); mixed causes are failed_precondition
 * `bulk_refused`. Violations list every refused id in both cases.
 */
export function bulkRefusal(refusals: Refusal[]): AppError {
  const violations = refusals.map((refusal) => ({ field: `customer_ids[${refusal.index}]`, message: REFUSAL_MESSAGES[refusal.code] }));
  const codes = new Set(refusals.map((refusal) => refusal.code));
  if (codes.size === 1) return refusalError([...codes][0], violations);
  return new AppError(
    'failed_precondition',
    `${refusals.length} of the customers cannot be changed; nothing was changed`,
    violations,
    'bulk_refused',
  );
}

/** The error of one refusal; a call about a single customer gives no violations. */
export function refusalError(code: RefusalCode, violations: FieldViolation[] = []): AppError {
  if (code === 'not_found') return new AppError('not_found', 'customer not found', violations);
  if (code === 'read_only') return new AppError('permission_denied', 'this customer is read-only for you', violations, 'read_only');
  return new AppError('failed_precondition', REFUSAL_MESSAGES[code], violations, code);
}

/** The refusal for a customer the caller cannot change at all, or undefined when they can. */
export function scopeRefusal(state: OwnershipState | undefined): RefusalCode | undefined {
  if (!state || (!state.inReadScope && !state.inWriteScope)) return 'not_found';
  return state.inWriteScope ? undefined : 'read_only';
}
