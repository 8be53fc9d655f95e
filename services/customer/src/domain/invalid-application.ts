import { type Principal } from '@liaison/auth';
import { cleanApprovalText, type ApprovalKind, type ApprovalRequest, type Approvals, type StepRule } from '@liaison/approvals';
import { AppError, requireUuid, type Pool, type PoolClient } from '@liaison/runtime';
import type { CustomerService } from './customer-service';
import { checkMove, type Category } from './lifecycle';

// CUS-08 无效客户申请: a rep asks to have a customer declared invalid; the manager of the owner's
// unit decides. Approval moves the customer through the ordinary lifecycle, as the decider.

export const INVALID_APPLICATION = 'customer.invalid';

/** The approval levels, in order; a second level (the department above) would be one more line. */
export const INVALID_APPLICATION_STEPS: readonly StepRule[] = [
  { name: '部门经理审批', roles: ['sales-manager'], managerOfUnit: { levelsUp: 0 } },
];

const MAX_REASON = 500;

export interface InvalidApplicationPayload extends Record<string, unknown> {
  /** The category the customer had when the application was made. */
  fromCategory: Category;
}

export function invalidApplicationKind(customers: CustomerService): ApprovalKind<InvalidApplicationPayload> {
  return {
    name: INVALID_APPLICATION,
    subjectType: 'customer',
    steps: INVALID_APPLICATION_STEPS,
    async onApproved(tx, request, decider) {
      const move = {
        id: request.subject.id,
        expectedVersion: null,
        category: 'invalid' as const,
        dealDate: null,
        reason: `${request.reason} (approval ${request.id})`,
      };
      await customers.moveCategory(tx, decider, move).catch(explainApprovalFailure);
    },
  };
}

// Things may have moved on since the application: already invalid is what was asked for; a
// customer that left the decider's scope cannot be decided by them, though they still see it.
function explainApprovalFailure(error: unknown): void {
  if (error instanceof AppError && error.reason === 'category_unchanged') return;
  if (error instanceof AppError && error.code === 'not_found') {
    throw new AppError(
      'failed_precondition',
      'the customer is no longer in your scope; reject the application instead',
      [],
      'customer_out_of_scope',
    );
  }
  throw error;
}

export class InvalidApplications {
  constructor(
    private readonly pool: Pool,
    private readonly customers: CustomerService,
    private readonly approvals: Approvals,
  ) {}

  /** Opens the application for a customer the caller may change, that could become invalid. */
  async apply(tx: PoolClient, principal: Principal, customerId: string, rawReason: string): Promise<ApprovalRequest> {
    requireUuid(customerId, 'customer_id');
    const reason = cleanApprovalText(rawReason, 'reason', MAX_REASON);
    if (!reason) throw AppError.invalid('reason is required', [{ field: 'reason', message: 'say why the customer is invalid' }]);
    const customer = await this.customers.findForChange(tx, principal, customerId);
    if (customer.category === 'invalid')
      throw new AppError('failed_precondition', 'the customer is already invalid', [], 'already_invalid');
    checkMove(customer.category, 'invalid');
    return this.approvals.submit<InvalidApplicationPayload>(tx, principal, {
      kind: INVALID_APPLICATION,
      subject: { type: 'customer', id: customer.id, title: customer.name },
      unit: customer.ownerUnit,
      reason,
      payload: { fromCategory: customer.category },
    });
  }
}
