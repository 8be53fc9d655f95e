import type { Policies, RpcContext } from '@liaison/platform';
import type { ApprovalStatus, ListFilter } from '@liaison/approvals';
import { approvalV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { CustomerApprovals } from '../domain/approval-kinds';
import { statusFromProto, toProtoApproval } from './approval-mapper';

type Ctx = RpcContext;

const { ApprovalRole } = approvalV1;

const ROLE_FROM_PROTO: Partial<Record<approvalV1.ApprovalRole, ListFilter['role']>> = {
  [ApprovalRole.APPROVAL_ROLE_UNSPECIFIED]: 'all',
  [ApprovalRole.APPROVAL_ROLE_REQUESTER]: 'requester',
  [ApprovalRole.APPROVAL_ROLE_DECIDER]: 'decider',
};

function statusesOf(values: approvalV1.ApprovalStatus[]): ApprovalStatus[] {
  return values.map((value, index) => {
    const status = statusFromProto(value);
    if (!status) throw AppError.invalid('unknown status', [{ field: `statuses[${index}]`, message: 'is not a status' }]);
    return status;
  });
}

function roleOf(value: approvalV1.ApprovalRole): ListFilter['role'] {
  const role = ROLE_FROM_PROTO[value];
  if (!role) throw AppError.invalid('unknown role', [{ field: 'role', message: 'must be requester, decider or unspecified (all)' }]);
  return role;
}

/** ApprovalService RPCs: protobuf in, approval use case, protobuf out. */
export function approvalHandlers({ approvals, invalidApplications }: CustomerApprovals) {
  const answer = (approval: Parameters<typeof toProtoApproval>[0]) => ({ approval: toProtoApproval(approval) });
  return {
    async listApprovals(request: approvalV1.ListApprovalsRequest, ctx: Ctx): Promise<approvalV1.ListApprovalsResponse> {
      const list = await approvals.list(ctx.principal, {
        role: roleOf(request.role),
        statuses: statusesOf(request.statuses),
        kinds: request.kinds,
        subjectType: request.subjectType || undefined,
        subjectId: request.subjectId || undefined,
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
      });
      return { approvals: list.approvals.map(toProtoApproval), page: { nextPageToken: list.nextPageToken } };
    },

    async getApproval(request: approvalV1.GetApprovalRequest, ctx: Ctx): Promise<approvalV1.GetApprovalResponse> {
      return answer(await approvals.get(ctx.principal, request.id));
    },

    async approve(request: approvalV1.ApproveRequest, ctx: Ctx): Promise<approvalV1.ApproveResponse> {
      return answer(await approvals.approve(ctx.principal, { id: request.id, step: request.step, comment: request.comment }));
    },

    async reject(request: approvalV1.RejectRequest, ctx: Ctx): Promise<approvalV1.RejectResponse> {
      return answer(await approvals.reject(ctx.principal, { id: request.id, step: request.step, comment: request.comment }));
    },

    async withdraw(request: approvalV1.WithdrawRequest, ctx: Ctx): Promise<approvalV1.WithdrawResponse> {
      return answer(await approvals.withdraw(ctx.principal, { id: request.id, comment: request.comment }));
    },

    async applyForInvalid(request: approvalV1.ApplyForInvalidRequest, ctx: Ctx): Promise<approvalV1.ApplyForInvalidResponse> {
      return answer(await invalidApplications.apply(ctx.tx, ctx.principal, request.customerId, request.reason));
    },
  };
}

approvalHandlers.definition = approvalV1.ApprovalServiceService;
approvalHandlers.policies = {
  listApprovals: { permission: ['approval', 'read'] },
  getApproval: { permission: ['approval', 'read'] },
  approve: { permission: ['approval', 'approve'] },
  reject: { permission: ['approval', 'approve'] },
  withdraw: { permission: ['approval', 'create'] },
  applyForInvalid: { permission: ['approval', 'create'], transaction: true },
} satisfies Policies<typeof approvalV1.ApprovalServiceService>;
