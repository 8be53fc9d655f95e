import type { Policies, RpcContext } from '@liaison/platform';
import { customFieldV1 } from '@liaison/contracts';
import type { CustomFieldService } from '../domain/custom-field-service';
import { fieldsFromProto, toProtoDefinition } from './custom-field-mapper';

type Ctx = RpcContext;

/** CustomFieldService RPCs: protobuf in, domain use case, protobuf out. */
export function customFieldHandlers(service: CustomFieldService) {
  return {
    async listCustomFieldDefinitions(
      request: customFieldV1.ListCustomFieldDefinitionsRequest,
      ctx: Ctx,
    ): Promise<customFieldV1.ListCustomFieldDefinitionsResponse> {
      return { definitions: (await service.list(ctx.principal, request.includeDisabled)).map(toProtoDefinition) };
    },

    async createCustomFieldDefinition(
      request: customFieldV1.CreateCustomFieldDefinitionRequest,
      ctx: Ctx,
    ): Promise<customFieldV1.CreateCustomFieldDefinitionResponse> {
      return { definition: toProtoDefinition(await service.create(ctx.tx, ctx.principal, fieldsFromProto(request.definition))) };
    },

    async updateCustomFieldDefinition(
      request: customFieldV1.UpdateCustomFieldDefinitionRequest,
      ctx: Ctx,
    ): Promise<customFieldV1.UpdateCustomFieldDefinitionResponse> {
      const updated = await service.update(
        ctx.tx,
        ctx.principal,
        request.key,
        request.updateMask ?? [],
        fieldsFromProto(request.definition),
      );
      return { definition: toProtoDefinition(updated) };
    },

    async deleteCustomFieldDefinition(
      request: customFieldV1.DeleteCustomFieldDefinitionRequest,
      ctx: Ctx,
    ): Promise<customFieldV1.DeleteCustomFieldDefinitionResponse> {
      await service.delete(ctx.tx, ctx.principal, request.key);
      return {};
    },
  };
}

customFieldHandlers.definition = customFieldV1.CustomFieldServiceService;
customFieldHandlers.policies = {
  listCustomFieldDefinitions: { permission: ['customer', 'read'] },
  createCustomFieldDefinition: { permission: ['admin', 'create'], transaction: true },
  updateCustomFieldDefinition: { permission: ['admin', 'update'], transaction: true },
  deleteCustomFieldDefinition: { permission: ['admin', 'delete'], transaction: true },
} satisfies Policies<typeof customFieldV1.CustomFieldServiceService>;
