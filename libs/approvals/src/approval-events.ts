import { EventTypes, type customerApprovalV1 } from '@liaison/contracts';
import type { Outbox } from '@liaison/events';
import type { ApprovalEvents } from './approvals';
import { actionToProto, statusToProto, toCustomerV1Approval } from './approval-mapper';

// The approval events of a service, through its outbox: on the service's own topic, keyed by the
// subject id so that they stay in order with the subject's events (ce_subject is the subject id).

export function approvalEventsOn(outbox: Outbox): ApprovalEvents {
  return {
    requested: (tx, request) =>
      outbox.append(tx, [
        {
          type: EventTypes.ApprovalRequested,
          aggregateId: request.subject.id,
          payload: { approval: toCustomerV1Approval(request) },
        },
      ]),

    decided: (tx, request, decision) =>
      outbox.append(tx, [
        {
          type: EventTypes.ApprovalDecided,
          aggregateId: request.subject.id,
          payload: {
            approval: toCustomerV1Approval(request),
            step: decision.step,
            decision: actionToProto(decision.action) as number as customerApprovalV1.ApprovalAction,
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
          payload: {
            approval: toCustomerV1Approval(request),
            status: statusToProto(request.status) as number as customerApprovalV1.ApprovalStatus,
          },
        },
      ]),
  };
}
