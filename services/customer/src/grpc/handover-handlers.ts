import type { Policies, RpcContext } from '@liaison/platform';
import { handoverV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { Handover, HandoverDistribution } from '../domain/handover';
import type { HandoverService } from '../domain/handover-service';

type Ctx = RpcContext;

const { HandoverDistribution: ProtoDistribution } = handoverV1;

function distributionFromProto(value: handoverV1.HandoverDistribution): HandoverDistribution {
  if (value === ProtoDistribution.HANDOVER_DISTRIBUTION_UNSPECIFIED || value === ProtoDistribution.HANDOVER_DISTRIBUTION_EVEN)
    return 'even';
  if (value === ProtoDistribution.HANDOVER_DISTRIBUTION_MAPPING) return 'mapping';
  throw AppError.invalid('unknown distribution', [{ field: 'distribution', message: 'is not a distribution' }]);
}

function toProtoHandover(handover: Handover): handoverV1.Handover {
  return handoverV1.Handover.fromPartial({
    id: handover.id,
    fromUserId: handover.fromUserId,
    successors: handover.successors.map((s) => ({
      userId: s.userId,
      unit: s.unit,
      customerCount: s.customerCount,
      followedCount: s.followedCount,
    })),
    allCustomers: handover.allCustomers,
    distribution:
      handover.distribution === 'mapping' ? ProtoDistribution.HANDOVER_DISTRIBUTION_MAPPING : ProtoDistribution.HANDOVER_DISTRIBUTION_EVEN,
    rewriteCreator: handover.rewriteCreator,
    reason: handover.reason,
    customerCount: handover.customerCount,
    followedCount: handover.followedCount,
    creatorRewrittenCount: handover.creatorRewrittenCount,
    actorId: handover.actorId,
    actorName: handover.actorName,
    createTime: handover.createdAt,
    fromUnits: handover.fromUnits,
  });
}

/** HandoverService RPCs (CUS-15): protobuf in, handover use case, protobuf out. */
export function handoverHandlers(service: HandoverService) {
  return {
    async createHandover(request: handoverV1.CreateHandoverRequest, ctx: Ctx): Promise<handoverV1.CreateHandoverResponse> {
      const handover = await service.create(ctx.principal, {
        requestId: request.requestId,
        fromUserId: request.fromUserId,
        successors: request.successors.map((s) => ({ userId: s.userId, unit: s.unit })),
        customerIds: request.customerIds,
        distribution: distributionFromProto(request.distribution),
        assignments: request.assignments.map((a) => ({ customerId: a.customerId, successorId: a.successorId })),
        rewriteCreator: request.rewriteCreator,
        reason: request.reason,
      });
      return { handover: toProtoHandover(handover) };
    },

    async getHandover(request: handoverV1.GetHandoverRequest, ctx: Ctx): Promise<handoverV1.GetHandoverResponse> {
      return { handover: toProtoHandover(await service.get(ctx.principal, request.id)) };
    },

    async listHandovers(request: handoverV1.ListHandoversRequest, ctx: Ctx): Promise<handoverV1.ListHandoversResponse> {
      const list = await service.list(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        fromUserId: request.fromUserId,
      });
      return { handovers: list.handovers.map(toProtoHandover), page: { nextPageToken: list.nextPageToken } };
    },
  };
}

handoverHandlers.definition = handoverV1.HandoverServiceService;
handoverHandlers.policies = {
  createHandover: { permission: ['customer', 'transfer'] },
  getHandover: { permission: ['customer', 'read'] },
  listHandovers: { permission: ['customer', 'read'] },
} satisfies Policies<typeof handoverV1.HandoverServiceService>;
