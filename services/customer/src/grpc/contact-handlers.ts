import type { Policies, RpcContext } from '@liaison/platform';
import { contactV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import { cleanText } from '../domain/contact';
import type { ContactService } from '../domain/contact-service';
import { contactFieldsFromProto, relationKindFromProto, toProtoContact, toProtoRelation } from './contact-mapper';

type Ctx = RpcContext;

const emptyContact = () => contactV1.Contact.fromPartial({});

/** ContactService RPCs: protobuf in, domain use case, protobuf out. */
export function contactHandlers(service: ContactService) {
  return {
    async createContact(request: contactV1.CreateContactRequest, ctx: Ctx): Promise<contactV1.CreateContactResponse> {
      const contact = await service.create(
        ctx.tx,
        ctx.principal,
        request.customerId,
        contactFieldsFromProto(request.contact ?? emptyContact()),
      );
      return { contact: toProtoContact(contact) };
    },

    async getContact(request: contactV1.GetContactRequest, ctx: Ctx): Promise<contactV1.GetContactResponse> {
      return { contact: toProtoContact(await service.get(ctx.principal, request.id)) };
    },

    async listContacts(request: contactV1.ListContactsRequest, ctx: Ctx): Promise<contactV1.ListContactsResponse> {
      const list = await service.list(ctx.principal, {
        customerId: request.customerId,
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        nameContains: request.nameContains,
        phoneContains: request.phoneContains,
      });
      return { contacts: list.contacts.map(toProtoContact), page: { nextPageToken: list.nextPageToken } };
    },

    async updateContact(request: contactV1.UpdateContactRequest, ctx: Ctx): Promise<contactV1.UpdateContactResponse> {
      const contact = await service.update(ctx.tx, ctx.principal, {
        id: request.id,
        expectedVersion: request.expectedVersion,
        maskPaths: request.updateMask ?? [],
        fields: contactFieldsFromProto(request.contact ?? emptyContact()),
      });
      return { contact: toProtoContact(contact) };
    },

    async deleteContact(request: contactV1.DeleteContactRequest, ctx: Ctx): Promise<contactV1.DeleteContactResponse> {
      await service.delete(ctx.tx, ctx.principal, request.id, request.expectedVersion);
      return {};
    },

    async setContactRelation(request: contactV1.SetContactRelationRequest, ctx: Ctx): Promise<contactV1.SetContactRelationResponse> {
      const kind = relationKindFromProto(request.kind);
      if (!kind) throw AppError.invalid('kind is required', [{ field: 'kind', message: 'must be REPORTS_TO, INFLUENCES or OTHER' }]);
      const { relation, created } = await service.setRelation(ctx.tx, ctx.principal, {
        fromContactId: request.fromContactId,
        toContactId: request.toContactId,
        kind,
        label: cleanText(request.label),
      });
      return { relation: toProtoRelation(relation), created };
    },

    async removeContactRelation(
      request: contactV1.RemoveContactRelationRequest,
      ctx: Ctx,
    ): Promise<contactV1.RemoveContactRelationResponse> {
      await service.removeRelation(ctx.tx, ctx.principal, request.fromContactId, request.toContactId);
      return {};
    },

    async getContactGraph(request: contactV1.GetContactGraphRequest, ctx: Ctx): Promise<contactV1.GetContactGraphResponse> {
      const graph = await service.graph(ctx.tx, ctx.principal, request.customerId);
      return { nodes: graph.nodes.map(toProtoContact), edges: graph.edges.map(toProtoRelation) };
    },
  };
}

contactHandlers.definition = contactV1.ContactServiceService;
contactHandlers.policies = {
  createContact: { permission: ['contact', 'create'], transaction: true },
  getContact: { permission: ['contact', 'read'] },
  listContacts: { permission: ['contact', 'read'] },
  updateContact: { permission: ['contact', 'update'], transaction: true },
  deleteContact: { permission: ['contact', 'delete'], transaction: true },
  setContactRelation: { permission: ['contact', 'update'], transaction: true },
  removeContactRelation: { permission: ['contact', 'update'], transaction: true },
  getContactGraph: { permission: ['contact', 'read'], transaction: true },
} satisfies Policies<typeof contactV1.ContactServiceService>;
