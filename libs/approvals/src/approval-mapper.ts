import { approvalV1, customerApprovalV1 } from '@liaison/contracts';
import type { ApprovalRequest, ApprovalStatus, ApprovalStep, LogAction, LogEntry } from './model';

// Approvals between the library's model and liaison.approval.v1, for every service's handlers
// and the approval events alike.

const { ApprovalStatus: ProtoStatus, ApprovalAction: ProtoAction } = approvalV1;

const STATUS_TO_PROTO: Record<ApprovalStatus, approvalV1.ApprovalStatus> = {
  pending: ProtoStatus.APPROVAL_STATUS_PENDING,
  approved: ProtoStatus.APPROVAL_STATUS_APPROVED,
  rejected: ProtoStatus.APPROVAL_STATUS_REJECTED,
  withdrawn: ProtoStatus.APPROVAL_STATUS_WITHDRAWN,
};

const ACTION_TO_PROTO: Record<LogAction, approvalV1.ApprovalAction> = {
  submit: ProtoAction.APPROVAL_ACTION_SUBMIT,
  approve: ProtoAction.APPROVAL_ACTION_APPROVE,
  reject: ProtoAction.APPROVAL_ACTION_REJECT,
  withdraw: ProtoAction.APPROVAL_ACTION_WITHDRAW,
};

export function statusToProto(status: ApprovalStatus): approvalV1.ApprovalStatus {
  return STATUS_TO_PROTO[status];
}

export function actionToProto(action: LogAction): approvalV1.ApprovalAction {
  return ACTION_TO_PROTO[action];
}

/** undefined for UNSPECIFIED or unknown values. */
export function statusFromProto(status: approvalV1.ApprovalStatus): ApprovalStatus | undefined {
  return (Object.keys(STATUS_TO_PROTO) as ApprovalStatus[]).find((key) => STATUS_TO_PROTO[key] === status);
}

function stepToProto(step: ApprovalStep): approvalV1.ApprovalStep {
  return approvalV1.ApprovalStep.fromPartial({
    position: step.position,
    name: step.name,
    roles: step.roles,
    unit: step.unit ?? '',
    decision: step.decision ? ACTION_TO_PROTO[step.decision] : ProtoAction.APPROVAL_ACTION_UNSPECIFIED,
    decidedBy: step.decidedBy ?? '',
    decidedByName: step.decidedByName ?? '',
    decideTime: step.decidedAt ?? undefined,
    comment: step.comment ?? '',
  });
}

function logEntryToProto(entry: LogEntry): approvalV1.ApprovalLogEntry {
  return approvalV1.ApprovalLogEntry.fromPartial({
    step: entry.step,
    action: ACTION_TO_PROTO[entry.action],
    actorId: entry.actorId,
    actorName: entry.actorName,
    actorRole: entry.actorRole,
    comment: entry.comment,
    time: entry.at,
  });
}

export function toProtoApproval(request: ApprovalRequest): approvalV1.Approval {
  return approvalV1.Approval.fromPartial({
    id: request.id,
    kind: request.kind,
    subject: request.subject,
    requesterId: request.requesterId,
    requesterName: request.requesterName,
    requesterUnit: request.requesterUnit ?? '',
    unit: request.unit ?? '',
    reason: request.reason,
    payload: request.payload,
    status: STATUS_TO_PROTO[request.status],
    currentStep: request.currentStep,
    steps: request.steps.map(stepToProto),
    log: request.log.map(logEntryToProto),
    version: request.version,
    createTime: request.createdAt,
    updateTime: request.updatedAt,
    completeTime: request.completedAt ?? undefined,
  });
}

/**
 * The approval as liaison.customer.v1.Approval, the type the approval events and the customer
 * service's transfer answer were published with first. liaison.approval.v1.Approval has the same
 * fields, numbers and enum values: the bytes are the same, so a re-decode converts.
 */
export function toCustomerV1Approval(request: ApprovalRequest): customerApprovalV1.Approval {
  return customerApprovalV1.Approval.decode(approvalV1.Approval.encode(toProtoApproval(request)).finish());
}
