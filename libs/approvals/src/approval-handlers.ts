import type { Action, Module, Principal } from '@liaison/auth';
import { approvalV1 } from '@liaison/contracts';
import { AppError, type CallContext, type RpcPolicies } from '@liaison/runtime';
import type { PoolClient } from 'pg';
import type { Approvals } from './approvals';
import { statusFromProto, toProtoApproval } from './approval-mapper';
import type { ApprovalRequest, ApprovalStatus } from './model';
import type { ListFilter } from './repository';

// liaison.approval.v1.ApprovalService over a service's Approvals: the same API in every service
// that has approvals, so that the gateway lists and decides them across services as one.

type Ctx = CallContext<Principal, PoolClient>;

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

function cursorOf(before: approvalV1.ApprovalCursor | undefined): { createdAt: Date; id: string } | undefined {
  if (!before?.createTime && !before?.id) return undefined;
  if (!before.createTime || !/^[0-9a-f-]{36}$/i.test(before.id)) {
    throw AppError.invalid('before is incomplete', [{ field: 'before', message: 'give the create_time and id of an approval' }]);
  }
  return { createdAt: before.createTime, id: before.id.toLowerCase() };
}

const answer = (approval: ApprovalRequest) => ({ approval: toProtoApproval(approval) });

export function approvalHandlers(approvals: Approvals) {
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
        before: cursorOf(request.before),
      });
      return { approvals: list.approvals.map(toProtoApproval), page: { nextPageToken: list.nextPageToken } };
    },

    async getApproval(request: approvalV1.GetApprovalRequest, ctx: Ctx): Promise<approvalV1.GetApprovalResponse> {
      return answer(await approvals.get(ctx.principal, request.id));
    },

    async approve(request: approvalV1.ApproveRequest, ctx: Ctx): Promise<approvalV1.ApproveResponse> {
      return answer(await approvals.approve(ctx.tx, ctx.principal, { id: request.id, step: request.step, comment: request.comment }));
    },

    async reject(request: approvalV1.RejectRequest, ctx: Ctx): Promise<approvalV1.RejectResponse> {
      return answer(await approvals.reject(ctx.tx, ctx.principal, { id: request.id, step: request.step, comment: request.comment }));
    },

    async withdraw(request: approvalV1.WithdrawRequest, ctx: Ctx): Promise<approvalV1.WithdrawResponse> {
      return answer(await approvals.withdraw(ctx.tx, ctx.principal, { id: request.id, comment: request.comment }));
    },

    async listApprovalKinds(): Promise<approvalV1.ListApprovalKindsResponse> {
      return { kinds: approvals.kinds() };
    },
  };
}

approvalHandlers.definition = approvalV1.ApprovalServiceService;
approvalHandlers.policies = {
  listApprovals: { permission: ['approval', 'read'] },
  getApproval: { permission: ['approval', 'read'] },
  approve: { permission: ['approval', 'approve'], transaction: true },
  reject: { permission: ['approval', 'approve'], transaction: true },
  withdraw: { permission: ['approval', 'create'], transaction: true },
  listApprovalKinds: { permission: ['approval', 'read'] },
} satisfies RpcPolicies<typeof approvalV1.ApprovalServiceService, readonly [Module, Action]>;
