import { AuthError, can, customerWriteScopeOf, requirePermission, unitCovers, type Principal } from '@liaison/auth';
import type { ApprovalKind, ApprovalRequest, Approvals, StepRule } from '@liaison/approvals';
import { AppError, type Pool, type PoolClient } from '@liaison/runtime';
import { AssignmentRepository } from '../persistence/assignment-repository';
import { refusalError, type OwnershipState, type Recipient } from './assignment';
import { checkTransfer, type AssignmentService, type TransferCommand } from './assignment-service';
import type { Customer } from './customer';

// CUS-07 客户转移审批: while the admin's transfer settings require approval, a transfer by anyone
// but an admin opens a `customer.transfer` approval instead of moving the customers.
//
// The plan: step 1, a sales manager whose `manages` covers the unit the customers are owned in
// (their common unit when several); step 2, only when the receiving unit lies outside that
// unit, a sales manager of the receiving unit, who must agree to take the customers. An admin
// decides any step. Approval runs the ordinary transfer as the last decider, in the decision's
// transaction, with the units the approval's steps covered added to the decider's authority:
// between them, the deciders manage both the source and the receiving unit.

export const TRANSFER_APPROVAL = 'customer.transfer';

export const SOURCE_STEP: StepRule = { name: '转出部门经理审批', roles: ['sales-manager'], managerOfUnit: { levelsUp: 0 } };
export const RECEIVING_STEP_NAME = '接收部门经理审批';
const RECEIVING_ROLES = ['sales-manager'];

export interface TransferApprovalPayload extends Record<string, unknown> {
  customerIds: string[];
  toOwnerId: string;
  toOwnerUnit: string;
  keepPreviousOwnerAsFollower: boolean;
  /** customer id → owner when requested; approval fails if any changed. */
  owners: Record<string, string>;
}

export interface TransferPlan {
  /** The unit whose manager decides step 1: the owners' unit, or the nearest unit covering all of them. */
  unit: string;
  /** The receiving unit, when it needs a step of its own. */
  receivingUnit: string | null;
}

/** Decides who approves a transfer of customers owned in `ownerUnits` into `receivingUnit`. */
export function planTransferApproval(ownerUnits: readonly (string | null)[], receivingUnit: string): TransferPlan {
  if (ownerUnits.some((unit) => !unit)) {
    throw new AppError(
      'failed_precondition',
      'a customer has no owner unit, so no manager can approve its transfer; ask an administrator',
      [],
      'no_approver',
    );
  }
  const unit = commonUnit(ownerUnits as string[]);
  if (!unit) {
    throw new AppError(
      'failed_precondition',
      'the customers are owned in unrelated units; request their transfers separately',
      [],
      'mixed_owner_units',
    );
  }
  return { unit, receivingUnit: unitCovers(unit, receivingUnit) ? null : receivingUnit };
}

/** The deepest unit covering every given unit, or null when they share no root. */
export function commonUnit(units: readonly string[]): string | null {
  if (units.length === 0) return null;
  const paths = units.map((unit) => unit.split('/').slice(1));
  const shared: string[] = [];
  for (let depth = 0; paths.every((path) => depth < path.length && path[depth] === paths[0][depth]); depth += 1)
    shared.push(paths[0][depth]);
  return shared.length > 0 ? `/${shared.join('/')}` : null;
}

function receivingStep(unit: string): { name: string; roles: string[]; unit: string } {
  return { name: RECEIVING_STEP_NAME, roles: [...RECEIVING_ROLES], unit };
}

/**
 * The decider acting with the approval's authority: every unit a step of the request named was
 * approved by one of its managers (or an admin), so the transfer may act in those units.
 */
export function withApprovedUnits(decider: Principal, request: ApprovalRequest<unknown>): Principal {
  if (customerWriteScopeOf(decider).kind === 'all') return decider;
  const units = request.steps.map((step) => step.unit).filter((unit): unit is string => !!unit);
  return { ...decider, manages: [...new Set([...decider.manages, ...units])] };
}

export function transferApprovalKind(assignments: AssignmentService): ApprovalKind<TransferApprovalPayload> {
  const pending = new AssignmentRepository();
  return {
    name: TRANSFER_APPROVAL,
    subjectType: 'customer',
    steps: [SOURCE_STEP],
    async onApproved(tx, request, decider) {
      await pending.releasePendingTransfer(tx, request.id);
      const command = commandOf(request);
      const conditions = { expectedOwners: new Map(Object.entries(request.payload.owners)) };
      await assignments.transfer(tx, withApprovedUnits(decider, request), command, conditions).catch(explainApprovalFailure);
    },
    onRejected: (tx, request) => pending.releasePendingTransfer(tx, request.id),
    onWithdrawn: (tx, request) => pending.releasePendingTransfer(tx, request.id),
  };
}

function commandOf(request: ApprovalRequest<TransferApprovalPayload>): TransferCommand {
  const { payload } = request;
  return {
    customerIds: payload.customerIds,
    toOwnerId: payload.toOwnerId,
    toOwnerUnit: payload.toOwnerUnit,
    reason: `${request.reason} (approval ${request.id})`.slice(0, 500),
    keepPreviousOwnerAsFollower: payload.keepPreviousOwnerAsFollower,
  };
}

// Approving applies the request as it was asked; anything that moved on since (a customer
// deleted, transferred or released meanwhile) cannot be approved any more, only rejected.
function explainApprovalFailure(error: unknown): never {
  if (error instanceof AppError && ['not_found', 'failed_precondition', 'permission_denied'].includes(error.code)) {
    throw new AppError(
      'failed_precondition',
      `the customers changed since the transfer was requested (${error.message}); reject the request instead`,
      error.violations,
      'transfer_outdated',
    );
  }
  throw error;
}

export type TransferOutcome =
  { customers: Customer[]; approval?: undefined } | { customers: []; approval: ApprovalRequest<TransferApprovalPayload> };

/** TransferCustomers: directly, or through an approval when the settings say so. */
export class TransferRequests {
  private readonly repository = new AssignmentRepository();

  constructor(
    private readonly pool: Pool,
    private readonly assignments: AssignmentService,
    private readonly approvals: Approvals,
  ) {}

  async transfer(tx: PoolClient, principal: Principal, command: TransferCommand): Promise<TransferOutcome> {
    const direct = customerWriteScopeOf(principal).kind === 'all' || !(await this.assignments.transferNeedsApproval());
    if (direct && !can(principal, 'customer', 'transfer')) return this.refuseDirect(tx, principal, command);
    if (direct) return { customers: await this.assignments.transfer(tx, principal, command) };
    return { customers: [], approval: await this.request(tx, principal, command) };
  }

  // A rep may ask for transfers only while they go through approval. Their customers' scope is
  // checked first, so that a customer outside it stays not found rather than forbidden.
  private async refuseDirect(tx: PoolClient, principal: Principal, command: TransferCommand): Promise<never> {
    if (!can(principal, 'customer', 'update')) throw new AuthError('forbidden');
    const { ids, recipient } = checkTransfer(command);
    await this.assignments.lockForTransferRequest(tx, principal, ids, recipient);
    throw new AuthError('forbidden');
  }

  /** Opens the approval: a rep for customers they own, a supervisor for their unit's. */
  async request(tx: PoolClient, principal: Principal, command: TransferCommand): Promise<ApprovalRequest<TransferApprovalPayload>> {
    requirePermission(principal, 'approval', 'create');
    if (!can(principal, 'customer', 'transfer') && !can(principal, 'customer', 'update')) throw new AuthError('forbidden');
    const { ids, recipient, reason } = checkTransfer(command);
    const states = await this.assignments.lockForTransferRequest(tx, principal, ids, recipient);
    await this.refuseAlreadyPending(tx, ids);
    const plan = planTransferApproval(
      states.map((state) => state.ownerUnit),
      recipient.unit,
    );
    const request = await this.approvals.submit<TransferApprovalPayload>(tx, principal, {
      kind: TRANSFER_APPROVAL,
      subject: { type: 'customer', id: ids[0], title: await this.titleOf(tx, ids) },
      unit: plan.unit,
      reason,
      payload: payloadOf(states, recipient, command.keepPreviousOwnerAsFollower),
      extraSteps: plan.receivingUnit ? [receivingStep(plan.receivingUnit)] : [],
    });
    await this.repository.reservePendingTransfer(tx, request.id, ids);
    return request;
  }

  private async refuseAlreadyPending(tx: PoolClient, ids: string[]): Promise<void> {
    const pending = await this.repository.pendingTransfers(tx, ids);
    if (pending.size === 0) return;
    const violations = ids.flatMap((id, index) =>
      pending.has(id)
        ? [{ field: `customer_ids[${index}]`, message: 'transfer_pending: a transfer of this customer already awaits approval' }]
        : [],
    );
    throw refusalError('transfer_pending', violations);
  }

  // The subject is the first customer (one subject per request); the title names the others' count.
  private async titleOf(tx: PoolClient, ids: string[]): Promise<string> {
    const names = await this.repository.names(tx, ids);
    const first = names.get(ids[0]) ?? ids[0];
    return ids.length === 1 ? first : `${first} 等${ids.length}个客户`;
  }
}

function payloadOf(states: OwnershipState[], recipient: Recipient, keepPreviousOwnerAsFollower: boolean): TransferApprovalPayload {
  return {
    customerIds: states.map((state) => state.id),
    toOwnerId: recipient.userId,
    toOwnerUnit: recipient.unit,
    keepPreviousOwnerAsFollower,
    owners: Object.fromEntries(states.map((state) => [state.id, state.ownerId ?? ''])),
  };
}
