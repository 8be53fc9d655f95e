import { approvalEventsOn, ApprovalKinds, Approvals } from '@liaison/approvals';
import type { Pool } from '@liaison/runtime';
import { outbox } from '../events/outbox';
import { AssignmentService } from './assignment-service';
import { CustomerService } from './customer-service';
import { InvalidApplications, invalidApplicationKind } from './invalid-application';
import { TransferRequests, transferApprovalKind } from './transfer-approval';

// The approval kinds of the customer domain. A new kind is one more `register` here with its
// steps and onApproved; its use case submits through `approvals`.

export function customerApprovalKinds(customers: CustomerService, assignments: AssignmentService): ApprovalKinds {
  return new ApprovalKinds().register(invalidApplicationKind(customers)).register(transferApprovalKind(assignments));
}

export interface CustomerApprovals {
  approvals: Approvals;
  invalidApplications: InvalidApplications;
  transfers: TransferRequests;
}

export function customerApprovals(pool: Pool, assignments: AssignmentService = new AssignmentService(pool)): CustomerApprovals {
  const customers = new CustomerService(pool);
  const approvals = new Approvals({ pool, kinds: customerApprovalKinds(customers, assignments), events: approvalEventsOn(outbox) });
  return {
    approvals,
    invalidApplications: new InvalidApplications(pool, customers, approvals),
    transfers: new TransferRequests(pool, assignments, approvals),
  };
}
