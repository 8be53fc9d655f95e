import type { ApprovalEvents } from '@liaison/approvals';
import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import { actionToProto, statusToProto, toProtoApproval } from '../grpc/approval-mapper';

// Approval events of the customer domain, written to the outbox in the action's transaction and
// keyed by the subject (the customer id), so that they stay in order with the customer's events.

export const approvalEvents: ApprovalEvents = {
  requested: (tx, request) =>
    outbox.append(tx, [
      { type: EventTypes.ApprovalRequested, aggregateId: request.subject.id, payload: { approval: toProtoApproval(request) } },
    ]),

  decided: (tx, request, decision) =>
    outbox.append(tx, [
      {
        type: EventTypes.ApprovalDecided,
        aggregateId: request.subject.id,
        payload: {
          approval: toProtoApproval(request),
          step: decision.step,
          decision: actionToProto(decision.action),
          comment: decision.comment,
          decidedBy: decision.actorId,
        },
      },
    ]),

  completed: (tx, request) =>
    outbox.append(tx, [
      {
        type: EventTypes.ApprovalCompleted,
        aggregateId: request.subject.id,
        payload: { approval: toProtoApproval(request), status: statusToProto(request.status) },
      },
    ]),
};
