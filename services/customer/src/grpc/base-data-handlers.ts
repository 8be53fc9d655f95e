import type { Policies, RpcContext } from '@liaison/platform';
import { baseDataV1 } from '@liaison/contracts';
import type { BaseDataService } from '../domain/base-data-service';
import { kindFromProto, newEntryFromProto, toProtoEntry } from './base-data-mapper';

type Ctx = RpcContext;

/** BaseDataService RPCs: protobuf in, domain use case, protobuf out. */
export function baseDataHandlers(service: BaseDataService) {
  return {
    async listBaseDataEntries(request: baseDataV1.ListBaseDataEntriesRequest, ctx: Ctx): Promise<baseDataV1.ListBaseDataEntriesResponse> {
      const entries = await service.list(ctx.principal, kindFromProto(request.kind), request.includeDisabled, request.parentCode);
      return { entries: entries.map(toProtoEntry) };
    },

    async listRegions(request: baseDataV1.ListRegionsRequest, ctx: Ctx): Promise<baseDataV1.ListRegionsResponse> {
      const trees = await service.regions(ctx.principal, request.includeDisabled);
      return { provinces: trees.map((tree) => ({ province: toProtoEntry(tree.province), cities: tree.cities.map(toProtoEntry) })) };
    },

    async createBaseDataEntry(request: baseDataV1.CreateBaseDataEntryRequest, ctx: Ctx): Promise<baseDataV1.CreateBaseDataEntryResponse> {
      return { entry: toProtoEntry(await service.create(ctx.tx, ctx.principal, newEntryFromProto(request.entry))) };
    },

    async updateBaseDataEntry(request: baseDataV1.UpdateBaseDataEntryRequest, ctx: Ctx): Promise<baseDataV1.UpdateBaseDataEntryResponse> {
      const values = request.entry ?? baseDataV1.BaseDataEntry.fromPartial({});
      const entry = await service.update(ctx.tx, ctx.principal, kindFromProto(request.kind), request.code, request.updateMask ?? [], {
        name: values.name,
        nameEn: values.nameEn,
        sortOrder: values.sortOrder,
        enabled: values.enabled,
      });
      return { entry: toProtoEntry(entry) };
    },

    async deleteBaseDataEntry(request: baseDataV1.DeleteBaseDataEntryRequest, ctx: Ctx): Promise<baseDataV1.DeleteBaseDataEntryResponse> {
      await service.delete(ctx.tx, ctx.principal, kindFromProto(request.kind), request.code);
      return {};
    },

    async importBaseData(request: baseDataV1.ImportBaseDataRequest, ctx: Ctx): Promise<baseDataV1.ImportBaseDataResponse> {
      return service.import(ctx.tx, ctx.principal, request.csv, request.dryRun);
    },
  };
}

baseDataHandlers.definition = baseDataV1.BaseDataServiceService;
baseDataHandlers.policies = {
  listBaseDataEntries: { permission: ['customer', 'read'] },
  listRegions: { permission: ['customer', 'read'] },
  createBaseDataEntry: { permission: ['admin', 'create'], transaction: true },
  updateBaseDataEntry: { permission: ['admin', 'update'], transaction: true },
  deleteBaseDataEntry: { permission: ['admin', 'delete'], transaction: true },
  importBaseData: { permission: ['admin', 'import'], transaction: true },
} satisfies Policies<typeof baseDataV1.BaseDataServiceService>;
