import { approvalHandlers } from '@liaison/approvals';
import { approvalV1, customerApprovalV1, invalidApplicationV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { CustomerApprovals } from '../domain/approval-kinds';
import { invalidApplicationHandlers } from './invalid-application-handlers';

// The deprecated liaison.customer.v1.ApprovalService, served for one more release so that a
// gateway of the previous release keeps working during a rolling upgrade. Its messages are
// wire-identical to liaison.approval.v1's, so each call is re-decoded into the new API's and
// answered by the same handlers. Unlike before, kinds of other services in a list filter are
// ignored rather than refused (the new API's rule).

type Codec<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): unknown };

function as<T>(message: T, from: Codec<T>, to: { decode(bytes: Uint8Array): unknown }) {
  return to.decode(from.encode(message).finish());
}

export function deprecatedApprovalHandlers({ approvals, invalidApplications }: CustomerApprovals) {
  const current = approvalHandlers(approvals);
  const applications = invalidApplicationHandlers(invalidApplications);
  const old = customerApprovalV1;
  return {
    async listApprovals(request: customerApprovalV1.ListApprovalsRequest, ctx: RpcContext) {
      const answer = await current.listApprovals(
        as(request, old.ListApprovalsRequest, approvalV1.ListApprovalsRequest) as approvalV1.ListApprovalsRequest,
        ctx,
      );
      return as(answer, approvalV1.ListApprovalsResponse, old.ListApprovalsResponse) as customerApprovalV1.ListApprovalsResponse;
    },
    async getApproval(request: customerApprovalV1.GetApprovalRequest, ctx: RpcContext) {
      return as(
        await current.getApproval(request, ctx),
        approvalV1.GetApprovalResponse,
        old.GetApprovalResponse,
      ) as customerApprovalV1.GetApprovalResponse;
    },
    async approve(request: customerApprovalV1.ApproveRequest, ctx: RpcContext) {
      return as(await current.approve(request, ctx), approvalV1.ApproveResponse, old.ApproveResponse) as customerApprovalV1.ApproveResponse;
    },
    async reject(request: customerApprovalV1.RejectRequest, ctx: RpcContext) {
      return as(await current.reject(request, ctx), approvalV1.RejectResponse, old.RejectResponse) as customerApprovalV1.RejectResponse;
    },
    async withdraw(request: customerApprovalV1.WithdrawRequest, ctx: RpcContext) {
      return as(
        await current.withdraw(request, ctx),
        approvalV1.WithdrawResponse,
        old.WithdrawResponse,
      ) as customerApprovalV1.WithdrawResponse;
    },
    async applyForInvalid(request: customerApprovalV1.ApplyForInvalidRequest, ctx: RpcContext) {
      const answer = await applications.createInvalidApplication(request, ctx);
      return as(
        answer,
        invalidApplicationV1.CreateInvalidApplicationResponse,
        old.ApplyForInvalidResponse,
      ) as customerApprovalV1.ApplyForInvalidResponse;
    },
  };
}

deprecatedApprovalHandlers.definition = customerApprovalV1.ApprovalServiceService;
deprecatedApprovalHandlers.policies = {
  ...approvalHandlers.policies,
  applyForInvalid: invalidApplicationHandlers.policies.createInvalidApplication,
} satisfies Policies<typeof customerApprovalV1.ApprovalServiceService>;
