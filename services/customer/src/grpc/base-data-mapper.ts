import { baseDataV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { BaseDataEntry, BaseDataKind, NewBaseDataEntry } from '../domain/base-data';
import { cleanName } from '../domain/base-data';

// Base data entries between the domain and protobuf, for the handlers and the events.

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

export function newEntryFromProto(entry: baseDataV1.BaseDataEntry | undefined): NewBaseDataEntry {
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
