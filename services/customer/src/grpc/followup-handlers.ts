import type { Policies, RpcContext } from '@liaison/platform';
import { followUpV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import { cleanNote, type FollowUpFields, type FollowUpMethod, type ReminderLevel } from '../domain/followup';
import type { FollowUpQuery, FollowUpService } from '../domain/followup-service';
import { methodFromProto, reminderFromProto, toProtoAnnotation, toProtoFollowUp } from './followup-mapper';

type Ctx = RpcContext;

/** The editable fields of a request, cleaned but not yet validated; empty strings are absent values. */
function fieldsFromProto(message: {
  contactId: string;
  method: followUpV1.FollowUpMethod;
  content: string;
  occurTime?: Date | undefined;
  nextFollowUpDate: string;
  reminder: followUpV1.FollowUpReminder;
}): Omit<FollowUpFields, 'occurredAt'> & { occurredAt: Date | null } {
  return {
    contactId: message.contactId.trim() || null,
    // Missing or unknown values fail validation with a field violation.
    method: methodFromProto(message.method) ?? ('unspecified' as FollowUpMethod),
    content: cleanNote(message.content),
    occurredAt: message.occurTime ?? null,
    nextFollowUpDate: message.nextFollowUpDate.trim() || null,
    reminder: reminderFromProto(message.reminder) ?? ('unknown' as ReminderLevel),
  };
}

function queryFromProto(
  page: { pageSize: number; pageToken: string } | undefined,
  filter: followUpV1.FollowUpFilter | undefined,
): FollowUpQuery {
  const methods = (filter?.methods ?? []).map((value, index) => {
    const method = methodFromProto(value);
    if (!method) throw AppError.invalid('unknown method', [{ field: `filter.methods[${index}]`, message: 'is not a follow-up method' }]);
    return method;
  });
  return {
    methods: methods.length ? methods : undefined,
    authorId: filter?.authorId.trim() || undefined,
    occurredFrom: filter?.occurredFrom,
    occurredTo: filter?.occurredTo,
    pageSize: page?.pageSize ?? 0,
    pageToken: page?.pageToken ?? '',
  };
}

/** FollowUpService RPCs: protobuf in, domain use case, protobuf out. */
export function followUpHandlers(service: FollowUpService) {
  return {
    async createFollowUp(request: followUpV1.CreateFollowUpRequest, ctx: Ctx): Promise<followUpV1.CreateFollowUpResponse> {
      const followUp = await service.create(ctx.tx, ctx.principal, {
        customerId: request.customerId,
        fields: fieldsFromProto(request),
        requestId: request.requestId || null,
      });
      return { followUp: toProtoFollowUp(followUp) };
    },

    async getFollowUp(request: followUpV1.GetFollowUpRequest, ctx: Ctx): Promise<followUpV1.GetFollowUpResponse> {
      return { followUp: toProtoFollowUp(await service.get(ctx.principal, request.id)) };
    },

    async listFollowUps(request: followUpV1.ListFollowUpsRequest, ctx: Ctx): Promise<followUpV1.ListFollowUpsResponse> {
      const list = await service.listOfCustomer(ctx.principal, request.customerId, queryFromProto(request.page, request.filter));
      return { followUps: list.followUps.map(toProtoFollowUp), page: { nextPageToken: list.nextPageToken } };
    },

    async listTeamFollowUps(request: followUpV1.ListTeamFollowUpsRequest, ctx: Ctx): Promise<followUpV1.ListTeamFollowUpsResponse> {
      const list = await service.listOfTeam(ctx.principal, queryFromProto(request.page, request.filter));
      return { followUps: list.followUps.map(toProtoFollowUp), page: { nextPageToken: list.nextPageToken } };
    },

    async updateFollowUp(request: followUpV1.UpdateFollowUpRequest, ctx: Ctx): Promise<followUpV1.UpdateFollowUpResponse> {
      const fields = fieldsFromProto(request.followUp ?? followUpV1.FollowUp.fromPartial({}));
      // A masked occur_time without a value is an error, not "now".
      const followUp = await service.update(ctx.tx, ctx.principal, {
        id: request.id,
        maskPaths: request.updateMask ?? [],
        fields: { ...fields, occurredAt: fields.occurredAt ?? new Date(Number.NaN) },
      });
      return { followUp: toProtoFollowUp(followUp) };
    },

    async deleteFollowUp(request: followUpV1.DeleteFollowUpRequest, ctx: Ctx): Promise<followUpV1.DeleteFollowUpResponse> {
      await service.delete(ctx.tx, ctx.principal, request.id);
      return {};
    },

    async annotateFollowUp(request: followUpV1.AnnotateFollowUpRequest, ctx: Ctx): Promise<followUpV1.AnnotateFollowUpResponse> {
      const { followUp, annotation } = await service.annotate(ctx.tx, ctx.principal, request.followUpId, request.comment);
      return { followUp: toProtoFollowUp(followUp), annotation: toProtoAnnotation(annotation) };
    },
  };
}

followUpHandlers.definition = followUpV1.FollowUpServiceService;
followUpHandlers.policies = {
  createFollowUp: { permission: ['followup', 'create'], transaction: true },
  getFollowUp: { permission: ['followup', 'read'] },
  listFollowUps: { permission: ['followup', 'read'] },
  listTeamFollowUps: { permission: ['followup', 'read'] },
  updateFollowUp: { permission: ['followup', 'update'], transaction: true },
  deleteFollowUp: { permission: ['followup', 'delete'], transaction: true },
  annotateFollowUp: { permission: ['followup', 'approve'], transaction: true },
} satisfies Policies<typeof followUpV1.FollowUpServiceService>;
