import { customFieldV1 } from '@liaison/contracts';
import type {
  ConstraintsJson,
  CreateCustomFieldJson,
  CustomFieldJson,
  CustomFieldTypeJson,
  UpdateCustomFieldJson,
} from './custom-field-schemas';

// JSON ⇄ protobuf for custom field definitions, and the custom field parts of the customer API.

const { CustomFieldType: ProtoType, ReferenceTarget: ProtoTarget } = customFieldV1;

const TYPES: Record<CustomFieldTypeJson, customFieldV1.CustomFieldType> = {
  text: ProtoType.CUSTOM_FIELD_TYPE_TEXT,
  number: ProtoType.CUSTOM_FIELD_TYPE_NUMBER,
  date: ProtoType.CUSTOM_FIELD_TYPE_DATE,
  option: ProtoType.CUSTOM_FIELD_TYPE_OPTION,
  multi_option: ProtoType.CUSTOM_FIELD_TYPE_MULTI_OPTION,
  reference: ProtoType.CUSTOM_FIELD_TYPE_REFERENCE,
};

const TARGETS = { customer: ProtoTarget.REFERENCE_TARGET_CUSTOMER, contact: ProtoTarget.REFERENCE_TARGET_CONTACT } as const;

function keyOf<K extends string, V>(table: Record<K, V>, value: V): K | undefined {
  return (Object.keys(table) as K[]).find((key) => table[key] === value);
}

function constraintsToJson(constraints: customFieldV1.CustomFieldConstraints | undefined): ConstraintsJson {
  const json: ConstraintsJson = {
    maxLength: constraints?.maxLength || undefined,
    min: constraints?.min,
    max: constraints?.max,
    decimals: constraints?.decimals,
    minDate: constraints?.minDate || undefined,
    maxDate: constraints?.maxDate || undefined,
  };
  return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

function constraintsToProto(json: ConstraintsJson | undefined): customFieldV1.CustomFieldConstraints {
  return {
    maxLength: json?.maxLength ?? 0,
    min: json?.min,
    max: json?.max,
    decimals: json?.decimals,
    minDate: json?.minDate ?? '',
    maxDate: json?.maxDate ?? '',
  };
}

export function definitionToJson(definition: customFieldV1.CustomFieldDefinition): CustomFieldJson {
  return {
    key: definition.key,
    label: definition.label,
    type: keyOf(TYPES, definition.type) ?? 'text',
    required: definition.required,
    options: definition.options.map((option) => ({ value: option.value, label: option.label })),
    referenceTarget: keyOf(TARGETS, definition.referenceTarget) ?? null,
    constraints: constraintsToJson(definition.constraints),
    enabled: definition.enabled,
    sortOrder: definition.sortOrder,
    createdAt: definition.audit?.createTime?.toISOString() ?? '',
    createdBy: definition.audit?.createdBy ?? '',
    updatedAt: definition.audit?.updateTime?.toISOString() ?? '',
    updatedBy: definition.audit?.updatedBy ?? '',
  };
}

type DefinitionJson = CreateCustomFieldJson | UpdateCustomFieldJson;

export function definitionToProto(body: DefinitionJson, key = ''): customFieldV1.CustomFieldDefinition {
  return customFieldV1.CustomFieldDefinition.fromPartial({
    key: 'key' in body ? body.key : key,
    label: body.label ?? '',
    type: body.type ? TYPES[body.type] : ProtoType.CUSTOM_FIELD_TYPE_UNSPECIFIED,
    required: body.required ?? false,
    options: body.options ?? [],
    referenceTarget: body.referenceTarget ? TARGETS[body.referenceTarget] : ProtoTarget.REFERENCE_TARGET_UNSPECIFIED,
    constraints: constraintsToProto(body.constraints),
    enabled: 'enabled' in body ? (body.enabled ?? false) : true,
    sortOrder: body.sortOrder ?? 0,
  });
}

const MASK_PATHS: Record<keyof UpdateCustomFieldJson, string> = {
  label: 'label',
  type: 'type',
  required: 'required',
  options: 'options',
  referenceTarget: 'reference_target',
  constraints: 'constraints',
  enabled: 'enabled',
  sortOrder: 'sort_order',
};

export function updateMaskOf(body: UpdateCustomFieldJson): string[] {
  return (Object.keys(MASK_PATHS) as (keyof UpdateCustomFieldJson)[]).filter((field) => field in body).map((field) => MASK_PATHS[field]);
}

/** One mask path per value a customer update sets or removes, so other values stay as they are. */
export function customFieldMaskPaths(changes: Record<string, unknown> | undefined): string[] {
  return Object.keys(changes ?? {}).map((key) => `custom_fields.${key}`);
}

const QUERY_KEY = /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/;

/** The cf.<key>[.min|.max] parameters of a customer search as filters, one per key. */
export function customFieldFiltersFromQuery(query: Record<string, unknown>): customFieldV1.CustomFieldFilter[] {
  const filters = new Map<string, customFieldV1.CustomFieldFilter>();
  for (const [name, value] of Object.entries(query)) {
    const match = QUERY_KEY.exec(name);
    if (!match || typeof value !== 'string') continue;
    const [, key, bound] = match;
    const filter = filters.get(key) ?? customFieldV1.CustomFieldFilter.fromPartial({ key });
    if (bound === 'min') filter.min = value;
    else if (bound === 'max') filter.max = value;
    else
      filter.values = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    filters.set(key, filter);
  }
  return [...filters.values()];
}
