import { randomUUID } from 'node:crypto';
import { AuthError, can, customerScopeOf, customerWriteScopeOf, requirePermission, type Principal } from '@liaison/auth';
import { PgJobLedger, runOncePerSlot } from '@liaison/jobs';
import {
  AppError,
  checkVersion,
  inTransaction,
  pageSizeOf,
  requireExpectedVersion,
  seqPageTokens,
  type Pool,
  type PoolClient,
} from '@liaison/runtime';
import {
  followerAssigned,
  ownershipChanged,
  poolRuleChanged,
  transferSettingsChanged,
  type ChangedCustomer,
  type OwnershipEventExtras,
} from '../events/assignment-events';
import { AssignmentRepository, POOL_RULE_ACTOR, type OwnerUpdate, type PendingRow } from '../persistence/assignment-repository';
import { CustomerRepository } from '../persistence/customer-repository';
import {
  bulkRefusal,
  checkCustomerId,
  checkCustomerIds,
  checkRecipient,
  checkUnit,
  cleanReason,
  homeUnitOf,
  refusalError,
  requireUnitAuthority,
  scopeRefusal,
  type ChangeKind,
  type FollowerRef,
  type OwnershipChange,
  type OwnershipState,
  type PoolCustomer,
  type PoolRule,
  type Recipient,
  type Refusal,
  type RefusalCode,
  type TransferSettings,
} from './assignment';
import type { Customer } from './customer';
import type { Category } from './lifecycle';
import { validateRule, type PoolRuleSettings } from './pool-rule';

// Keyset pages of the pool and pending lists, newest first by seq.
const poolPages = seqPageTokens('pool');
const pendingPages = seqPageTokens('pending');

/** The ledger name of the return-to-pool rule, scheduled or run by hand. */
export const POOL_RULE_JOB = 'pool-rule';

// Use cases of customer ownership (CUS-05/06/07): permission, recipient's unit, data scope of
// every customer, then the change, its history row and its event, in one transaction. Bulk
// changes are all or nothing.

export interface AssignCommand {
  customerIds: string[];
  assigneeId: string;
  assigneeUnit: string;
  reason: string;
}

export interface FollowerCommand {
  customerIds: string[];
  followerId: string;
  followerUnit: string;
}

export interface TransferCommand {
  customerIds: string[];
  toOwnerId: string;
  toOwnerUnit: string;
  reason: string;
  keepPreviousOwnerAsFollower: boolean;
}

/** How an approved transfer is re-checked: each customer must still have the owner it had when requested. */
export interface TransferConditions {
  expectedOwners?: ReadonlyMap<string, string>;
}

export interface PoolQuery {
  pageSize: number;
  pageToken: string;
  nameContains?: string;
  categories?: Category[];
}

export interface PendingQuery {
  pageSize: number;
  pageToken: string;
  contacted?: boolean;
  unit?: string;
}

export interface PendingCustomer extends Omit<PendingRow, 'id'> {
  customer: Customer;
}

export interface PoolRuleRun {
  enabled: boolean;
  returnedIds: string[];
}

const RETURN_BATCH = 100;
const EVERYONE = { kind: 'all' } as const;

export class AssignmentService {
  private readonly repository = new AssignmentRepository();
  private readonly customers = new CustomerRepository();

  constructor(private readonly pool: Pool) {}

  // -------------------------------------------------------------------------------------------
  // The pool

  async listPool(principal: Principal, query: PoolQuery): Promise<{ customers: PoolCustomer[]; nextPageToken: string }> {
    const limit = pageSizeOf(query.pageSize);
    const page = await this.repository.listPool(this.pool, {
      nameContains: query.nameContains?.normalize('NFC').trim() || undefined,
      categories: query.categories,
      afterSeq: poolPages.decode(query.pageToken),
      limit,
    });
    return { customers: page.items, nextPageToken: page.nextSeq ? poolPages.encode(page.nextSeq) : '' };
  }

  /** The caller becomes the owner, in their own unit; of concurrent claims exactly one wins. */
  async claim(tx: PoolClient, principal: Principal, customerId: string): Promise<Customer> {
    const id = checkCustomerId(customerId);
    const to = { ownerId: principal.userId, ownerUnit: homeUnitOf(principal) };
    if (!(await this.repository.claim(tx, id, to.ownerId, to.ownerUnit))) throw await this.claimRefusal(tx, principal, id);
    const [changed] = await this.record(tx, 'claim', principal.userId, null, [{ id, from: { ownerId: null, ownerUnit: null }, to }]);
    return changed.customer;
  }

  // A customer that was ever in the pool was public to pool readers, so saying it is taken
  // discloses nothing; any other customer outside the caller's scope stays not found.
  private async claimRefusal(tx: PoolClient, principal: Principal, customerId: string): Promise<AppError> {
    const seen = await this.repository.visibility(tx, customerId, customerScopeOf(principal));
    if (seen && (seen.everPooled || seen.inScope)) {
      return new AppError('failed_precondition', 'someone already owns this customer', [], 'already_owned');
    }
    return AppError.notFound('customer');
  }

  /** Its owner, or a supervisor of the owner's unit, gives a customer up to the pool. */
  async release(tx: PoolClient, principal: Principal, customerId: string, rawReason: string): Promise<Customer> {
    const id = checkCustomerId(customerId);
    const reason = cleanReason(rawReason, true);
    const state = (await this.repository.lockOwnership(tx, [id], customerScopeOf(principal), customerWriteScopeOf(principal))).get(id);
    const refusal = scopeRefusal(state) ?? (state?.ownerId ? undefined : 'already_in_pool');
    if (refusal || !state) throw refusalError(refusal ?? 'not_found');
    const update: OwnerUpdate = { ownerId: null, ownerUnit: null, pending: 'clear', follower: null };
    const [changed] = await this.apply(tx, 'release', principal.userId, reason, [state], update);
    return changed.customer;
  }

  // -------------------------------------------------------------------------------------------
  // Assignment (pool and pending customers) and followers

  /**
   * Hands pool customers, and pending customers the caller may change, to one rep. An owned
   * customer that someone already works is moved by a transfer instead, which keeps its reason
   * (and, later, its approval).
   */
  async assign(tx: PoolClient, principal: Principal, command: AssignCommand): Promise<Customer[]> {
    if (!can(principal, 'pool', 'assign') && !can(principal, 'customer', 'assign')) throw new AuthError('forbidden');
    const ids = checkCustomerIds(command.customerIds);
    const assignee = checkRecipient(command.assigneeId, command.assigneeUnit, { user: 'assignee_id', unit: 'assignee_unit' });
    const reason = cleanReason(command.reason, false);
    requireUnitAuthority(principal, assignee.unit, 'assignee_unit');
    const states = await this.lockAll(tx, principal, ids, (state) => assignRefusal(state, assignee));
    const update: OwnerUpdate = { ownerId: assignee.userId, ownerUnit: assignee.unit, pending: 'start', follower: 'keep' };
    return (await this.apply(tx, 'assign', principal.userId, reason, states, update)).map(({ customer }) => customer);
  }

  /** Names a follower (跟进人) for owned customers the caller may change. */
  async assignFollowers(tx: PoolClient, principal: Principal, command: FollowerCommand): Promise<Customer[]> {
    const ids = checkCustomerIds(command.customerIds);
    const follower = checkRecipient(command.followerId, command.followerUnit, { user: 'follower_id', unit: 'follower_unit' });
    requireUnitAuthority(principal, follower.unit, 'follower_unit');
    const states = await this.lockAll(tx, principal, ids, (state) => followerRefusal(state));
    const ref: FollowerRef = { id: follower.userId, unit: follower.unit };
    const updated: Customer[] = [];
    for (const state of states) {
      await this.repository.setFollower(tx, state.id, ref, principal.userId);
      await this.customers.recordHistory(tx, state.id, principal.userId, [
        { field: 'follower_id', oldValue: state.follower?.id ?? null, newValue: ref.id },
      ]);
      await followerAssigned(tx, state.id, ref, state.follower, principal.userId);
      updated.push(await this.reload(tx, state.id));
    }
    return updated;
  }

  /** Pending customers (待处理) in the caller's scope, newest first. */
  async listPending(principal: Principal, query: PendingQuery): Promise<{ customers: PendingCustomer[]; nextPageToken: string }> {
    const limit = pageSizeOf(query.pageSize);
    const unit = query.unit?.trim() ? checkUnit(query.unit.trim(), 'unit') : undefined;
    const page = await this.repository.listPending(this.pool, customerScopeOf(principal), {
      contacted: query.contacted,
      unit,
      afterSeq: pendingPages.decode(query.pageToken),
      limit,
    });
    const customers: PendingCustomer[] = [];
    for (const { id, ...pending } of page.items) customers.push({ ...pending, customer: await this.reload(this.pool, id) });
    return { customers, nextPageToken: page.nextSeq ? pendingPages.encode(page.nextSeq) : '' };
  }

  // -------------------------------------------------------------------------------------------
  // Transfer

  /**
   * Moves owned customers to another rep: the owners' supervisor (the customers must lie in the
   * caller's write scope) or an admin, into a unit the caller manages. This is also the step an
   * approval runs when a requested transfer is approved: it calls this with the approver as
   * principal (so scope and units are checked again at that moment) in its own transaction, so
   * that the approval's decision and the transfer commit together.
   */
  async transfer(tx: PoolClient, principal: Principal, command: TransferCommand, conditions: TransferConditions = {}): Promise<Customer[]> {
    // Checked here, not declared on the RPC: TransferCustomers also opens approvals, and an
    // approved transfer arrives here from the approval's decision.
    requirePermission(principal, 'customer', 'transfer');
    const { ids, recipient, reason } = checkTransfer(command);
    requireUnitAuthority(principal, recipient.unit, 'to_owner_unit');
    const states = await this.lockAll(tx, principal, ids, (state) => transferRefusal(state, recipient, conditions.expectedOwners));
    const changed: ChangedCustomer[] = [];
    for (const state of states) {
      const follower = command.keepPreviousOwnerAsFollower
        ? { id: state.ownerId!, unit: state.ownerUnit }
        : followerAfterTransfer(state, recipient);
      const update: OwnerUpdate = { ownerId: recipient.userId, ownerUnit: recipient.unit, pending: 'keep', follower };
      changed.push(...(await this.apply(tx, 'transfer', principal.userId, reason, [state], update, { followerId: follower?.id ?? '' })));
    }
    return changed.map(({ customer }) => customer);
  }

  /**
   * Locks customers for a transfer request that goes through approval: the same refusals as a
   * transfer, but no authority over the receiving unit, which the approval's steps supply.
   */
  async lockForTransferRequest(tx: PoolClient, principal: Principal, ids: string[], recipient: Recipient): Promise<OwnershipState[]> {
    return this.lockAll(tx, principal, ids, (state) => transferRefusal(state, recipient));
  }

  // -------------------------------------------------------------------------------------------
  // Transfer settings (CUS-07 transfer approval)

  async transferSettings(): Promise<TransferSettings> {
    return this.repository.transferSettings(this.pool);
  }

  /** Without permission check: whether a transfer must go through approval right now. */
  async transferNeedsApproval(): Promise<boolean> {
    return (await this.repository.transferSettings(this.pool)).approvalRequired;
  }

  async updateTransferSettings(
    tx: PoolClient,
    principal: Principal,
    approvalRequired: boolean,
    expectedVersion: number,
  ): Promise<TransferSettings> {
    requireExpectedVersion(expectedVersion);
    const current = await this.repository.transferSettings(tx, true);
    checkVersion('the transfer settings', current.version, expectedVersion);
    await this.repository.updateTransferSettings(tx, approvalRequired, principal.userId);
    const updated = await this.repository.transferSettings(tx);
    await transferSettingsChanged(tx, updated);
    return updated;
  }

  // -------------------------------------------------------------------------------------------
  // History

  /** Visible like the customer; a pool customer's history to every pool reader. */
  async history(principal: Principal, customerId: string): Promise<OwnershipChange[]> {
    const id = checkCustomerId(customerId);
    const seen = await this.repository.visibility(this.pool, id, customerScopeOf(principal));
    const poolReader = seen?.ownerId === null && can(principal, 'pool', 'read');
    if (!seen || !(seen.inScope || poolReader)) throw AppError.notFound('customer');
    return this.repository.history(this.pool, id);
  }

  // -------------------------------------------------------------------------------------------
  // The return-to-pool rule

  async rule(): Promise<PoolRule> {
    return this.repository.rule(this.pool);
  }

  async updateRule(tx: PoolClient, principal: Principal, settings: PoolRuleSettings, expectedVersion: number): Promise<PoolRule> {
    const valid = validateRule(settings);
    requireExpectedVersion(expectedVersion);
    const current = await this.repository.rule(tx, true);
    checkVersion('the rule', current.version, expectedVersion);
    await this.repository.updateRule(tx, valid, principal.userId);
    const updated = await this.repository.rule(tx);
    await poolRuleChanged(tx, updated);
    return updated;
  }

  /** Every call runs (a slot of its own in the job ledger, for the record); see returnDueCustomers. */
  async runRuleNow(principal: Principal): Promise<PoolRuleRun> {
    const slot = `manual:${new Date().toISOString()}:${randomUUID()}`;
    const outcome = await runOncePerSlot(new PgJobLedger(this.pool), { job: POOL_RULE_JOB, slot, runner: principal.userId }, () =>
      this.returnDueCustomers(),
    );
    if (!outcome.ran) throw new AppError('internal', 'a fresh manual slot was taken');
    return outcome.result;
  }

  /**
   * Returns every customer due under the rule to the pool, in batches of one transaction each,
   * until none is due. Safe to run concurrently: a returned customer is no longer due, and rows
   * are re-checked after waiting for another run's lock, so each is returned exactly once.
   */
  async returnDueCustomers(): Promise<PoolRuleRun> {
    const rule = await this.repository.rule(this.pool);
    if (!rule.enabled) return { enabled: false, returnedIds: [] };
    const returnedIds: string[] = [];
    for (;;) {
      const batch = await inTransaction(this.pool, (tx) => this.returnBatch(tx, rule));
      returnedIds.push(...batch);
      if (batch.length === 0) return { enabled: true, returnedIds };
    }
  }

  private async returnBatch(tx: PoolClient, rule: PoolRule): Promise<string[]> {
    const due = await this.repository.lockDueForReturn(tx, rule, RETURN_BATCH);
    const reason = `${rule.daysWithoutContact} days without follow-up`;
    const update: OwnerUpdate = { ownerId: null, ownerUnit: null, pending: 'clear', follower: null };
    const changed = await this.apply(tx, 'return_to_pool', POOL_RULE_ACTOR, reason, due, update, {
      daysWithoutContact: rule.daysWithoutContact,
    });
    return changed.map(({ customer }) => customer.id);
  }

  // -------------------------------------------------------------------------------------------
  // Shared steps

  /** Locks customers the caller may change; refuses (all of them) if any is out of reach. */
  private async lockAll(
    tx: PoolClient,
    principal: Principal,
    ids: string[],
    refuse: (state: OwnershipState) => RefusalCode | undefined,
  ): Promise<OwnershipState[]> {
    const states = await this.repository.lockOwnership(tx, ids, customerScopeOf(principal), customerWriteScopeOf(principal));
    const refusals: Refusal[] = [];
    ids.forEach((id, index) => {
      const state = states.get(id);
      const code = state ? refuse(state) : 'not_found';
      if (code) refusals.push({ index, code });
    });
    if (refusals.length > 0) throw bulkRefusal(refusals);
    return ids.map((id) => states.get(id)!);
  }

  private async apply(
    tx: PoolClient,
    kind: Exclude<ChangeKind, 'create'>,
    actorId: string,
    reason: string | null,
    states: OwnershipState[],
    update: OwnerUpdate,
    extras: OwnershipEventExtras = {},
  ): Promise<ChangedCustomer[]> {
    for (const state of states) await this.repository.setOwner(tx, state.id, update, actorId);
    const to = { ownerId: update.ownerId, ownerUnit: update.ownerUnit };
    return this.record(
      tx,
      kind,
      actorId,
      reason,
      states.map((state) => ({ id: state.id, from: { ownerId: state.ownerId, ownerUnit: state.ownerUnit }, to })),
      extras,
    );
  }

  private async record(
    tx: PoolClient,
    kind: Exclude<ChangeKind, 'create'>,
    actorId: string,
    reason: string | null,
    moves: { id: string; from: OwnershipChange['from']; to: OwnershipChange['to'] }[],
    extras: OwnershipEventExtras = {},
  ): Promise<ChangedCustomer[]> {
    if (moves.length === 0) return [];
    const changes = await this.repository.recordChanges(
      tx,
      moves.map((move) => ({ customerId: move.id, kind, from: move.from, to: move.to, reason, actorId })),
    );
    const changed: ChangedCustomer[] = [];
    for (const change of changes) changed.push({ change, customer: await this.reload(tx, change.customerId) });
    await ownershipChanged(tx, kind, changed, extras);
    return changed;
  }

  private async reload(db: Pool | PoolClient, id: string): Promise<Customer> {
    const customer = await this.customers.findInScope(db, id, EVERYONE);
    if (!customer) throw new AppError('internal', 'customer vanished during an ownership change');
    return customer;
  }
}

// Assignment hands out customers nobody works yet: pool customers, and pending ones in scope.
function assignRefusal(state: OwnershipState, assignee: Recipient): RefusalCode | undefined {
  if (!state.ownerId) return undefined;
  const outOfReach = scopeRefusal(state);
  if (outOfReach) return outOfReach;
  if (state.ownerId === assignee.userId) return 'already_owner';
  return isPending(state) ? undefined : 'owned_use_transfer';
}

function followerRefusal(state: OwnershipState): RefusalCode | undefined {
  if (!state.ownerId) return state.inReadScope || state.lastPooledAt ? 'in_pool' : 'not_found';
  return scopeRefusal(state);
}

function transferRefusal(
  state: OwnershipState,
  recipient: Recipient,
  expectedOwners?: ReadonlyMap<string, string>,
): RefusalCode | undefined {
  const outOfReach = scopeRefusal(state);
  if (outOfReach) return outOfReach;
  if (expectedOwners && state.ownerId !== expectedOwners.get(state.id)) return 'owner_changed';
  if (!state.ownerId) return 'in_pool';
  return state.ownerId === recipient.userId ? 'already_owner' : undefined;
}

/** The validated parts of a transfer command, shared with the approval request. */
export function checkTransfer(command: TransferCommand): { ids: string[]; recipient: Recipient; reason: string } {
  const ids = checkCustomerIds(command.customerIds);
  const recipient = checkRecipient(command.toOwnerId, command.toOwnerUnit, { user: 'to_owner_id', unit: 'to_owner_unit' });
  const reason = cleanReason(command.reason, true)!;
  return { ids, recipient, reason };
}

function isPending(state: OwnershipState): boolean {
  return !!state.pendingSince && (!state.lastContactedAt || state.lastContactedAt < state.pendingSince);
}

// The new owner cannot also be the follower; any other follower stays.
function followerAfterTransfer(state: OwnershipState, recipient: Recipient): FollowerRef | null {
  return state.follower && state.follower.id !== recipient.userId ? state.follower : null;
}

const contacts = new AssignmentRepository();

/**
 * MarkContacted: the follow-up use case calls this in its own transaction when it records a
 * follow-up, so that the contact and the follow-up commit together (and its FollowUpRecorded
 * event is the event of both). It moves last_contacted_at forward, which ends the customer's
 * pending state and restarts the return-to-pool clock.
 */
export async function markContacted(tx: PoolClient, customerId: string, contactedAt: Date = new Date()): Promise<void> {
  if (!(await contacts.markContacted(tx, customerId, contactedAt))) throw AppError.notFound('customer');
}
