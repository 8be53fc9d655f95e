import { ApprovalKinds, Approvals } from '@liaison/approvals';
import type { Pool } from '@liaison/runtime';
import { approvalEvents } from '../events/approval-events';
import { CustomerService } from './customer-service';
import { InvalidApplications, invalidApplicationKind } from './invalid-application';

// The approval kinds of the customer domain. A new kind (e.g. customer.transfer) is one more
// `register` here with its steps and onApproved; its use case submits through `approvals`.

export function customerApprovalKinds(customers: CustomerService): ApprovalKinds {
  return new ApprovalKinds()
    .register(invalidApplicationKind(customers));
}

export interface CustomerApprovals {
  approvals: Approvals;
  invalidApplications: InvalidApplications;
}

export function customerApprovals(pool: Pool): CustomerApprovals {
  const customers = new CustomerService(pool);
  const approvals = new Approvals({ pool, kinds: customerApprovalKinds(customers), events: approvalEvents });
  return { approvals, invalidApplications: new InvalidApplications(pool, customers, approvals) };
}
