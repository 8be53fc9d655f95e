import { toProtoApproval } from '@liaison/approvals';
import { invalidApplicationV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { InvalidApplications } from '../domain/invalid-application';

/** InvalidApplicationService (CUS-08): opens the approval; deciding it is ApprovalService's. */
export function invalidApplicationHandlers(invalidApplications: InvalidApplications) {
  return {
    async createInvalidApplication(
      request: invalidApplicationV1.CreateInvalidApplicationRequest,
      ctx: RpcContext,
    ): Promise<invalidApplicationV1.CreateInvalidApplicationResponse> {
      return { approval: toProtoApproval(await invalidApplications.apply(ctx.tx, ctx.principal, request.customerId, request.reason)) };
    },
  };
}

invalidApplicationHandlers.definition = invalidApplicationV1.InvalidApplicationServiceService;
invalidApplicationHandlers.policies = {
  createInvalidApplication: { permission: ['approval', 'create'], transaction: true },
} satisfies Policies<typeof invalidApplicationV1.InvalidApplicationServiceService>;
