import { approvalV1, customerApprovalV1 } from '@liaison/contracts';
import type { ApprovalJson, ApprovalStatusJson, ListApprovalsJson } from './approval-schemas';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for approvals. Empty strings and unset timestamps on the wire are null in JSON.

const { ApprovalStatus, ApprovalAction, ApprovalRole } = approvalV1;

const STATUSES: Record<ApprovalStatusJson, approvalV1.ApprovalStatus> = {
  pending: ApprovalStatus.APPROVAL_STATUS_PENDING,
  approved: ApprovalStatus.APPROVAL_STATUS_APPROVED,
  rejected: ApprovalStatus.APPROVAL_STATUS_REJECTED,
  withdrawn: ApprovalStatus.APPROVAL_STATUS_WITHDRAWN,
};

const ACTIONS = {
  submit: ApprovalAction.APPROVAL_ACTION_SUBMIT,
  approve: ApprovalAction.APPROVAL_ACTION_APPROVE,
  reject: ApprovalAction.APPROVAL_ACTION_REJECT,
  withdraw: ApprovalAction.APPROVAL_ACTION_WITHDRAW,
} as const;

type ActionJson = keyof typeof ACTIONS;

const ROLES: Record<NonNullable<ListApprovalsJson['role']>, approvalV1.ApprovalRole> = {
  all: ApprovalRole.APPROVAL_ROLE_UNSPECIFIED,
  requester: ApprovalRole.APPROVAL_ROLE_REQUESTER,
  decider: ApprovalRole.APPROVAL_ROLE_DECIDER,
};

function keyOf<K extends string, V>(table: Record<K, V>, value: V): K | undefined {
  return (Object.keys(table) as K[]).find((key) => table[key] === value);
}

const orNull = (value: string) => (value === '' ? null : value);
const isoOrNull = (value: Date | undefined) => value?.toISOString() ?? null;
const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);

export function listRequestFromQuery(query: ListApprovalsJson): approvalV1.ListApprovalsRequest {
  return approvalV1.ListApprovalsRequest.fromPartial({
    page: pageFromQuery(query),
    role: ROLES[query.role ?? 'all'],
    statuses: list(query.status).map((status) => STATUSES[status as ApprovalStatusJson]),
    kinds: list(query.kind),
    subjectType: query.subjectType ?? '',
    subjectId: query.subjectId ?? '',
  });
}

function stepToJson(step: approvalV1.ApprovalStep): ApprovalJson['steps'][number] {
  const decision = keyOf(ACTIONS, step.decision);
  return {
    position: step.position,
    name: step.name,
    roles: step.roles,
    unit: orNull(step.unit),
    decision: decision === 'approve' || decision === 'reject' ? decision : null,
    decidedBy: step.decidedBy ? { id: step.decidedBy, name: step.decidedByName } : null,
    decidedAt: isoOrNull(step.decideTime),
    comment: step.decidedBy ? step.comment : null,
  };
}

function logEntryToJson(entry: approvalV1.ApprovalLogEntry): NonNullable<ApprovalJson['log']>[number] {
  return {
    step: entry.step,
    action: keyOf(ACTIONS, entry.action) ?? ('submit' as ActionJson),
    actor: { id: entry.actorId, name: entry.actorName },
    role: entry.actorRole,
    comment: entry.comment,
    at: entry.time?.toISOString() ?? '',
  };
}

/** `withLog` for single reads and action answers; lists leave the log out. */
export function approvalToJson(approval: approvalV1.Approval, withLog: boolean): ApprovalJson {
  return {
    id: approval.id,
    kind: approval.kind,
    subject: { type: approval.subject?.type ?? '', id: approval.subject?.id ?? '', title: approval.subject?.title ?? '' },
    requester: { id: approval.requesterId, name: approval.requesterName, unit: orNull(approval.requesterUnit) },
    unit: orNull(approval.unit),
    reason: approval.reason,
    payload: approval.payload ?? {},
    status: keyOf(STATUSES, approval.status) ?? 'pending',
    currentStep: approval.currentStep,
    steps: approval.steps.map(stepToJson),
    ...(withLog ? { log: approval.log.map(logEntryToJson) } : {}),
    version: approval.version,
    createdAt: approval.createTime?.toISOString() ?? '',
    updatedAt: approval.updateTime?.toISOString() ?? '',
    completedAt: isoOrNull(approval.completeTime),
  };
}

/**
 * A liaison.customer.v1.Approval (the transfer answer still carries that type) as the
 * liaison.approval.v1 one: the same fields, numbers and enum values, so a re-decode converts.
 */
export function asApprovalV1(approval: customerApprovalV1.Approval): approvalV1.Approval {
  return approvalV1.Approval.decode(customerApprovalV1.Approval.encode(approval).finish());
}
