import type { Principal } from '@liaison/auth';
import { baseDataV1 } from '@liaison/contracts';
import { AppError, type CallContext } from '@liaison/runtime';
import type { BaseDataEntry, BaseDataKind, NewBaseDataEntry } from '../domain/base-data';
import { cleanName } from '../domain/base-data';
import type { BaseDataService } from '../domain/base-data-service';

const { BaseDataKind: ProtoKind } = baseDataV1;

const KIND_TO_PROTO: Record<BaseDataKind, baseDataV1.BaseDataKind> = {
  source: ProtoKind.BASE_DATA_KIND_SOURCE,
  industry: ProtoKind.BASE_DATA_KIND_INDUSTRY,
  nature: ProtoKind.BASE_DATA_KIND_NATURE,
  target_flag: ProtoKind.BASE_DATA_KIND_TARGET_FLAG,
  province: ProtoKind.BASE_DATA_KIND_PROVINCE,
  city: ProtoKind.BASE_DATA_KIND_CITY,
};

/** Throws invalid_argument for UNSPECIFIED or unknown kinds. */
export function kindFromProto(kind: baseDataV1.BaseDataKind, field = 'kind'): BaseDataKind {
  const found = (Object.keys(KIND_TO_PROTO) as BaseDataKind[]).find((key) => KIND_TO_PROTO[key] === kind);
  if (!found) throw AppError.invalid('kind is required', [{ field, message: 'must be a base data kind' }]);
  return found;
}

export function toProtoEntry(entry: BaseDataEntry): baseDataV1.BaseDataEntry {
  return baseDataV1.BaseDataEntry.fromPartial({
    kind: KIND_TO_PROTO[entry.kind],
    code: entry.code,
    name: entry.name,
    nameEn: entry.nameEn ?? '',
    sortOrder: entry.sortOrder,
    enabled: entry.enabled,
    parentCode: entry.parentCode ?? '',
    audit: { createTime: entry.createdAt, createdBy: entry.createdBy, updateTime: entry.updatedAt, updatedBy: entry.updatedBy },
  });
}

function newEntryFromProto(entry: baseDataV1.BaseDataEntry | undefined): NewBaseDataEntry {
  const message = entry ?? baseDataV1.BaseDataEntry.fromPartial({});
  return {
    kind: kindFromProto(message.kind, 'entry.kind'),
    code: message.code.trim(),
    name: cleanName(message.name) ?? '',
    nameEn: cleanName(message.nameEn),
    sortOrder: message.sortOrder,
    parentCode: message.parentCode.trim() || null,
  };
}

type Ctx = CallContext<Principal>;

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
      return { entry: toProtoEntry(await service.create(ctx.principal, newEntryFromProto(request.entry))) };
    },

    async updateBaseDataEntry(request: baseDataV1.UpdateBaseDataEntryRequest, ctx: Ctx): Promise<baseDataV1.UpdateBaseDataEntryResponse> {
      const values = request.entry ?? baseDataV1.BaseDataEntry.fromPartial({});
      const entry = await service.update(ctx.principal, kindFromProto(request.kind), request.code, request.updateMask ?? [], {
        name: values.name,
        nameEn: values.nameEn,
        sortOrder: values.sortOrder,
        enabled: values.enabled,
      });
      return { entry: toProtoEntry(entry) };
    },

    async deleteBaseDataEntry(request: baseDataV1.DeleteBaseDataEntryRequest, ctx: Ctx): Promise<baseDataV1.DeleteBaseDataEntryResponse> {
      await service.delete(ctx.principal, kindFromProto(request.kind), request.code);
      return {};
    },

    async importBaseData(request: baseDataV1.ImportBaseDataRequest, ctx: Ctx): Promise<baseDataV1.ImportBaseDataResponse> {
      return service.import(ctx.principal, request.csv, request.dryRun);
    },
  };
}

baseDataHandlers.definition = baseDataV1.BaseDataServiceService;
