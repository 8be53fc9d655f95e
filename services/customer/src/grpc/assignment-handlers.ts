import type { Policies, RpcContext } from '@liaison/platform';
import { assignmentV1 } from '@liaison/contracts';
import type { AssignmentService } from '../domain/assignment-service';
import type { TransferRequests } from '../domain/transfer-approval';
import { toCustomerV1Approval } from '@liaison/approvals';
import {
  categoriesFromProto,
  contactedFromProto,
  toProtoChange,
  toProtoPoolCustomer,
  toProtoRule,
  toProtoTransferSettings,
} from './assignment-mapper';
import { toProtoCustomer } from './customer-mapper';

type Ctx = RpcContext;

/** CustomerAssignmentService RPCs: protobuf in, ownership use case, protobuf out. */
export function assignmentHandlers(service: AssignmentService, transfers: TransferRequests) {
  return {
    async listPool(request: assignmentV1.ListPoolRequest, ctx: Ctx): Promise<assignmentV1.ListPoolResponse> {
      const list = await service.listPool(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        nameContains: request.nameContains,
        categories: categoriesFromProto(request.categories, 'categories'),
      });
      return { customers: list.customers.map(toProtoPoolCustomer), page: { nextPageToken: list.nextPageToken } };
    },

    async claimFromPool(request: assignmentV1.ClaimFromPoolRequest, ctx: Ctx): Promise<assignmentV1.ClaimFromPoolResponse> {
      return { customer: toProtoCustomer(await service.claim(ctx.tx, ctx.principal, request.customerId)) };
    },

    async releaseToPool(request: assignmentV1.ReleaseToPoolRequest, ctx: Ctx): Promise<assignmentV1.ReleaseToPoolResponse> {
      return { customer: toProtoCustomer(await service.release(ctx.tx, ctx.principal, request.customerId, request.reason)) };
    },

    async assignCustomers(request: assignmentV1.AssignCustomersRequest, ctx: Ctx): Promise<assignmentV1.AssignCustomersResponse> {
      const customers = await service.assign(ctx.tx, ctx.principal, {
        customerIds: request.customerIds,
        assigneeId: request.assigneeId,
        assigneeUnit: request.assigneeUnit,
        reason: request.reason,
      });
      return { customers: customers.map(toProtoCustomer) };
    },

    async assignFollowers(request: assignmentV1.AssignFollowersRequest, ctx: Ctx): Promise<assignmentV1.AssignFollowersResponse> {
      const customers = await service.assignFollowers(ctx.tx, ctx.principal, {
        customerIds: request.customerIds,
        followerId: request.followerId,
        followerUnit: request.followerUnit,
      });
      return { customers: customers.map(toProtoCustomer) };
    },

    async listPending(request: assignmentV1.ListPendingRequest, ctx: Ctx): Promise<assignmentV1.ListPendingResponse> {
      const list = await service.listPending(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        contacted: contactedFromProto(request.contactState),
        unit: request.unit,
      });
      return {
        customers: list.customers.map((pending) =>
          assignmentV1.PendingCustomer.fromPartial({
            customer: toProtoCustomer(pending.customer),
            pendingTime: pending.pendingSince,
            lastContactTime: pending.lastContactedAt ?? undefined,
            followerId: pending.follower?.id ?? '',
            followerUnit: pending.follower?.unit ?? '',
          }),
        ),
        page: { nextPageToken: list.nextPageToken },
      };
    },

    async transferCustomers(request: assignmentV1.TransferCustomersRequest, ctx: Ctx): Promise<assignmentV1.TransferCustomersResponse> {
      const outcome = await transfers.transfer(ctx.tx, ctx.principal, {
        customerIds: request.customerIds,
        toOwnerId: request.toOwnerId,
        toOwnerUnit: request.toOwnerUnit,
        reason: request.reason,
        keepPreviousOwnerAsFollower: request.keepPreviousOwnerAsFollower,
      });
      if (outcome.approval) return { customers: [], pending: true, approval: toCustomerV1Approval(outcome.approval) };
      return { customers: outcome.customers.map(toProtoCustomer), pending: false };
    },

    async getOwnershipHistory(
      request: assignmentV1.GetOwnershipHistoryRequest,
      ctx: Ctx,
    ): Promise<assignmentV1.GetOwnershipHistoryResponse> {
      return { changes: (await service.history(ctx.principal, request.customerId)).map(toProtoChange) };
    },

    async getPoolRule(_request: assignmentV1.GetPoolRuleRequest, _ctx: Ctx): Promise<assignmentV1.GetPoolRuleResponse> {
      return { rule: toProtoRule(await service.rule()) };
    },

    async updatePoolRule(request: assignmentV1.UpdatePoolRuleRequest, ctx: Ctx): Promise<assignmentV1.UpdatePoolRuleResponse> {
      const rule = await service.updateRule(
        ctx.tx,
        ctx.principal,
        {
          enabled: request.enabled,
          daysWithoutContact: request.daysWithoutContact,
          excludedCategories: categoriesFromProto(request.excludedCategories, 'excluded_categories'),
        },
        request.expectedVersion,
      );
      return { rule: toProtoRule(rule) };
    },

    async getTransferSettings(
      _request: assignmentV1.GetTransferSettingsRequest,
      _ctx: Ctx,
    ): Promise<assignmentV1.GetTransferSettingsResponse> {
      return { settings: toProtoTransferSettings(await service.transferSettings()) };
    },

    async updateTransferSettings(
      request: assignmentV1.UpdateTransferSettingsRequest,
      ctx: Ctx,
    ): Promise<assignmentV1.UpdateTransferSettingsResponse> {
      const settings = await service.updateTransferSettings(ctx.tx, ctx.principal, request.approvalRequired, request.expectedVersion);
      return { settings: toProtoTransferSettings(settings) };
    },

    async runPoolRuleNow(_request: assignmentV1.RunPoolRuleNowRequest, ctx: Ctx): Promise<assignmentV1.RunPoolRuleNowResponse> {
      const run = await service.runRuleNow(ctx.principal);
      return { enabled: run.enabled, returnedCustomerIds: run.returnedIds };
    },
  };
}

assignmentHandlers.definition = assignmentV1.CustomerAssignmentServiceService;
assignmentHandlers.policies = {
  listPool: { permission: ['pool', 'read'] },
  claimFromPool: { permission: ['pool', 'update'], transaction: true },
  releaseToPool: { permission: ['pool', 'update'], transaction: true },
  // The use case decides from the input which permission applies.
  assignCustomers: { permission: 'authenticated', transaction: true },
  assignFollowers: { permission: ['customer', 'assign'], transaction: true },
  listPending: { permission: ['customer', 'read'] },
  // The use case decides from the input which permission applies.
  transferCustomers: { permission: 'authenticated', transaction: true },
  getOwnershipHistory: { permission: ['customer', 'read'] },
  getPoolRule: { permission: ['admin', 'read'] },
  updatePoolRule: { permission: ['admin', 'update'], transaction: true },
  getTransferSettings: { permission: ['admin', 'read'] },
  updateTransferSettings: { permission: ['admin', 'update'], transaction: true },
  runPoolRuleNow: { permission: ['admin', 'update'] },
} satisfies Policies<typeof assignmentV1.CustomerAssignmentServiceService>;
