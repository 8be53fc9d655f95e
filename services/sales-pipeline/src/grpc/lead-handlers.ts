import { salesLeadV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import { AppError } from '@liaison/runtime';
import type { LeadStatus } from '../domain/lead';
import type { LeadService } from '../domain/lead-service';
import { fromProtoReason, fromProtoStatus, leadFieldsOf, toProtoDuplicate, toProtoLead } from './lead-mapper';

/** LeadService RPCs: protobuf in, use case, protobuf out. */
export function leadHandlers(service: LeadService) {
  return {
    async createLead(request: salesLeadV1.CreateLeadRequest, ctx: RpcContext): Promise<salesLeadV1.CreateLeadResponse> {
      const options = { assignByRules: request.assignByRules, allowDuplicate: request.allowDuplicate };
      return { lead: toProtoLead(await service.create(ctx.tx, ctx.principal, leadFieldsOf(request.lead), options)) };
    },

    async findLeadDuplicates(
      request: salesLeadV1.FindLeadDuplicatesRequest,
      ctx: RpcContext,
    ): Promise<salesLeadV1.FindLeadDuplicatesResponse> {
      const duplicates = await service.findDuplicates(ctx.principal, leadFieldsOf(request.lead));
      return { duplicates: duplicates.map(toProtoDuplicate) };
    },

    async getLead(request: salesLeadV1.GetLeadRequest, ctx: RpcContext): Promise<salesLeadV1.GetLeadResponse> {
      return { lead: toProtoLead(await service.get(ctx.principal, request.id)) };
    },

    async listLeads(request: salesLeadV1.ListLeadsRequest, ctx: RpcContext): Promise<salesLeadV1.ListLeadsResponse> {
      const { leads, nextPageToken } = await service.list(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        statuses: request.statuses.map((status, index) => requireStatus(status, `statuses[${index}]`)),
        ownerId: request.ownerId,
        source: request.source,
        textContains: request.textContains,
      });
      return { leads: leads.map(toProtoLead), page: { nextPageToken } };
    },

    async updateLead(request: salesLeadV1.UpdateLeadRequest, ctx: RpcContext): Promise<salesLeadV1.UpdateLeadResponse> {
      const paths = request.updateMask ?? [];
      const lead = await service.update(ctx.tx, ctx.principal, request.id, request.expectedVersion, paths, leadFieldsOf(request.lead));
      return { lead: toProtoLead(lead) };
    },

    async changeLeadStatus(request: salesLeadV1.ChangeLeadStatusRequest, ctx: RpcContext): Promise<salesLeadV1.ChangeLeadStatusResponse> {
      const disqualifyReason = fromProtoReason(request.disqualifyReason);
      if (disqualifyReason === undefined) {
        throw AppError.invalid('disqualify_reason is unknown', [{ field: 'disqualify_reason', message: 'not a known reason' }]);
      }
      const change = { status: requireStatus(request.status, 'status'), disqualifyReason, note: request.note };
      return { lead: toProtoLead(await service.changeStatus(ctx.tx, ctx.principal, request.id, request.expectedVersion, change)) };
    },

    async assignLead(request: salesLeadV1.AssignLeadRequest, ctx: RpcContext): Promise<salesLeadV1.AssignLeadResponse> {
      const to = { ownerId: request.toOwnerId, ownerUnit: request.toOwnerUnit };
      return { lead: toProtoLead(await service.assign(ctx.tx, ctx.principal, request.id, request.expectedVersion, to)) };
    },
  };
}

function requireStatus(status: salesLeadV1.LeadStatus, field: string): LeadStatus {
  const known = fromProtoStatus(status);
  if (!known) throw AppError.invalid(`${field} is not a lead status`, [{ field, message: 'name a status' }]);
  return known;
}

leadHandlers.definition = salesLeadV1.LeadServiceService;
// Each RPC's permission (and transaction), checked by the server before the handler runs.
leadHandlers.policies = {
  createLead: { permission: ['sales', 'create'], transaction: true },
  getLead: { permission: ['sales', 'read'] },
  listLeads: { permission: ['sales', 'read'] },
  updateLead: { permission: ['sales', 'update'], transaction: true },
  changeLeadStatus: { permission: ['sales', 'update'], transaction: true },
  assignLead: { permission: ['sales', 'assign'], transaction: true },
  findLeadDuplicates: { permission: ['sales', 'create'] },
} satisfies Policies<typeof salesLeadV1.LeadServiceService>;
