import { customerScopeOf, customerWriteScopeOf, requirePermission, type DataScope, type Principal } from '@liaison/auth';
import {
  AppError,
  checkVersion,
  isSeq,
  pageSizeOf,
  pageTokens,
  requireExpectedVersion,
  type Pool,
  type PoolClient,
  type Queryable,
} from '@liaison/runtime';
import { customerUpdated } from '../events/customer-events';
import { customersMerged } from '../events/customer-maintenance-events';
import { CustomerRepository } from '../persistence/customer-repository';
import { CustomerMaintenanceRepository, type LockedCustomer } from '../persistence/customer-maintenance-repository';
import { checkId, checkReason } from './bulk-input';
import { checkCustomerBaseData } from './base-data-rules';
import { changedFields, validateFields, valueAt, type Customer, type CustomerFields } from './customer';
import { duplicateScore, orderedReasons, rankCandidates, type DuplicateReason } from './merge-duplicates';
import { checkTakeFields, survivorFields } from './merge-fields';

// CUS-10: finding duplicates and merging one customer into another. A merge is one transaction:
// the survivor takes the chosen fields, every row of this service that refers to the merged
// customer moves to the survivor, the merged customer is marked (deleted, merged_into) and
// CustomersMerged tells the other services to re-point theirs.

export interface DuplicatePair {
  first: Customer;
  second: Customer;
  reasons: DuplicateReason[];
  score: number;
}

export interface DuplicateQuery {
  customerId: string;
  pageSize: number;
  pageToken: string;
}

export interface MergeCommand {
  survivorId: string;
  survivorExpectedVersion: number;
  mergedId: string;
  mergedExpectedVersion: number;
  takeFields: string[];
  reason: string;
}

// Pairs are paged by the (lower, higher) seq of their two customers.
const pairPages = pageTokens('duplicate-pairs', (cursor) =>
  Array.isArray(cursor) && cursor.length === 2 && cursor.every(isSeq) ? (cursor as [string, string]) : undefined,
);

function checkMergeCommand(command: MergeCommand) {
  const survivorId = checkId(command.survivorId, 'survivor_id');
  const mergedId = checkId(command.mergedId, 'merged_id');
  if (survivorId === mergedId)
    throw AppError.invalid('a customer cannot be merged into itself', [{ field: 'merged_id', message: 'must differ from survivor_id' }]);
  requireExpectedVersion(command.survivorExpectedVersion, 'survivor_expected_version');
  requireExpectedVersion(command.mergedExpectedVersion, 'merged_expected_version');
  return { survivorId, mergedId, taken: checkTakeFields(command.takeFields), reason: checkReason(command.reason) };
}

/** A customer the caller may change, from a lockVisible answer; otherwise not_found or read_only. */
export function changeableOf(locked: Map<string, LockedCustomer>, id: string): Customer {
  const found = locked.get(id);
  if (!found) throw AppError.notFound('customer');
  if (!found.writable) throw new AppError('permission_denied', 'this customer is read-only for you', [], 'read_only');
  return found.customer;
}

/**
 * What a read of a missing customer answers: `merged` (404) naming the survivor when the caller
 * may see it, so that clients can follow; plain not_found otherwise.
 */
export async function missingCustomerError(db: Queryable, id: string, scope: DataScope): Promise<AppError> {
  const survivorId = await new CustomerMaintenanceRepository().visibleSurvivorOf(db, id, scope);
  if (!survivorId) return AppError.notFound('customer');
  return new AppError('not_found', `customer ${id} was merged into ${survivorId}`, [], 'merged');
}

export class MergeService {
  private readonly repository = new CustomerMaintenanceRepository();
  private readonly customers = new CustomerRepository();

  constructor(private readonly pool: Pool) {}

  async findDuplicates(principal: Principal, query: DuplicateQuery): Promise<{ pairs: DuplicatePair[]; nextPageToken: string }> {
    const pageSize = pageSizeOf(query.pageSize);
    const scope = customerScopeOf(principal);
    if (query.customerId)
      return { pairs: await this.candidatesOf(checkId(query.customerId, 'customer_id'), scope, pageSize), nextPageToken: '' };
    const after = pairPages.decode(query.pageToken);
    const found = await this.repository.duplicatePairs(this.pool, scope, after as [string, string] | undefined, pageSize);
    const customers = await this.repository.customersByIds(
      this.pool,
      found.pairs.flatMap((pair) => [pair.firstId, pair.secondId]),
    );
    const pairs = found.pairs.map((pair) => {
      const reasons = orderedReasons(pair.reasons);
      return { first: customers.get(pair.firstId)!, second: customers.get(pair.secondId)!, reasons, score: duplicateScore(reasons) };
    });
    const last = found.pairs[found.pairs.length - 1];
    return { pairs, nextPageToken: found.more && last ? pairPages.encode(last.position) : '' };
  }

  // Candidates beyond a few hundred are noise, not duplicates: rank what the cap lets through.
  private async candidatesOf(id: string, scope: DataScope, pageSize: number): Promise<DuplicatePair[]> {
    const candidates = await this.repository.candidatesFor(this.pool, id, scope, 500);
    if (!candidates) throw AppError.notFound('customer');
    const ranked = rankCandidates(candidates).slice(0, pageSize);
    const customers = await this.repository.customersByIds(this.pool, [id, ...ranked.map((candidate) => candidate.id)]);
    return ranked.map((candidate) => ({
      first: customers.get(id)!,
      second: customers.get(candidate.id)!,
      reasons: candidate.reasons,
      score: candidate.score,
    }));
  }

  async merge(tx: PoolClient, principal: Principal, command: MergeCommand): Promise<Customer> {
    const { survivorId, mergedId, taken, reason } = checkMergeCommand(command);
    const locked = await this.repository.lockVisible(
      tx,
      [survivorId, mergedId],
      customerScopeOf(principal),
      customerWriteScopeOf(principal),
    );
    const survivor = changeableOf(locked, survivorId);
    const merged = changeableOf(locked, mergedId);
    // Only after the scope, so that a customer outside it stays not_found for everyone.
    requirePermission(principal, 'customer', 'approve');
    checkVersion('the survivor', survivor.version, command.survivorExpectedVersion);
    checkVersion('the merged customer', merged.version, command.mergedExpectedVersion);
    const updated = await this.takeFields(tx, principal, survivor, merged, taken.keys);
    await this.repository.repointReferences(tx, mergedId, survivorId);
    await this.repository.markMerged(tx, mergedId, survivorId, principal.userId, reason);
    await this.customers.recordHistory(tx, survivorId, principal.userId, [
      { field: 'merged_from', oldValue: null, newValue: mergedId, reason: reason ?? undefined },
    ]);
    await this.customers.recordHistory(tx, mergedId, principal.userId, [
      { field: 'merged_into', oldValue: null, newValue: survivorId, reason: reason ?? undefined },
    ]);
    await customersMerged(tx, { survivor: updated, mergedId, takenFields: taken.paths, mergedBy: principal.userId, reason });
    return updated;
  }

  private async takeFields(
    tx: PoolClient,
    principal: Principal,
    survivor: Customer,
    merged: Customer,
    keys: readonly (keyof CustomerFields)[],
  ): Promise<Customer> {
    const next = survivorFields(survivor, merged, keys);
    validateFields(next, [...keys]);
    const changed = changedFields(survivor, next);
    if (changed.length === 0) return survivor;
    // The merged customer's values were valid when written; base data may have been disabled since.
    await checkCustomerBaseData(tx, next, changed);
    const updated = await this.customers.update(tx, survivor.id, next, principal.userId);
    await this.customers.recordHistory(
      tx,
      survivor.id,
      principal.userId,
      changed.map((path) => ({
        field: path,
        oldValue: valueAt(survivor, path),
        newValue: valueAt(next, path),
        reason: `taken from merged customer ${merged.id}`,
      })),
    );
    await customerUpdated(tx, updated, changed);
    return updated;
  }
}
