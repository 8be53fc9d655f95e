import { customFieldV1 } from '@liaison/contracts';
import type {
  CustomFieldConstraints,
  CustomFieldDefinition,
  CustomFieldType,
  DefinitionFields,
  ReferenceTarget,
} from '../domain/custom-field';

// Custom field definitions between the domain and protobuf, for the handlers and the events.

const { CustomFieldType: ProtoType, ReferenceTarget: ProtoTarget } = customFieldV1;

const TYPE_TO_PROTO: Record<CustomFieldType, customFieldV1.CustomFieldType> = {
  text: ProtoType.CUSTOM_FIELD_TYPE_TEXT,
  number: ProtoType.CUSTOM_FIELD_TYPE_NUMBER,
  date: ProtoType.CUSTOM_FIELD_TYPE_DATE,
  option: ProtoType.CUSTOM_FIELD_TYPE_OPTION,
  multi_option: ProtoType.CUSTOM_FIELD_TYPE_MULTI_OPTION,
  reference: ProtoType.CUSTOM_FIELD_TYPE_REFERENCE,
};

const TARGET_TO_PROTO: Record<ReferenceTarget, customFieldV1.ReferenceTarget> = {
  customer: ProtoTarget.REFERENCE_TARGET_CUSTOMER,
  contact: ProtoTarget.REFERENCE_TARGET_CONTACT,
};

function keyOf<T extends string, P>(table: Record<T, P>, value: P): T | undefined {
  return (Object.keys(table) as T[]).find((key) => table[key] === value);
}

function constraintsToProto(constraints: CustomFieldConstraints): customFieldV1.CustomFieldConstraints {
  return {
    maxLength: constraints.maxLength ?? 0,
    min: constraints.min,
    max: constraints.max,
    decimals: constraints.decimals,
    minDate: constraints.minDate ?? '',
    maxDate: constraints.maxDate ?? '',
  };
}

// Protobuf defaults (0, "") mean "not set", except where proto3 `optional` says so itself.
function constraintsFromProto(message: customFieldV1.CustomFieldConstraints | undefined): CustomFieldConstraints {
  if (!message) return {};
  const constraints: CustomFieldConstraints = {
    maxLength: message.maxLength || undefined,
    min: message.min,
    max: message.max,
    decimals: message.decimals,
    minDate: message.minDate || undefined,
    maxDate: message.maxDate || undefined,
  };
  return Object.fromEntries(Object.entries(constraints).filter(([, value]) => value !== undefined));
}

export function toProtoDefinition(definition: CustomFieldDefinition): customFieldV1.CustomFieldDefinition {
  return customFieldV1.CustomFieldDefinition.fromPartial({
    key: definition.key,
    label: definition.label,
    type: TYPE_TO_PROTO[definition.type],
    required: definition.required,
    options: definition.options,
    referenceTarget: definition.referenceTarget ? TARGET_TO_PROTO[definition.referenceTarget] : ProtoTarget.REFERENCE_TARGET_UNSPECIFIED,
    constraints: constraintsToProto(definition.constraints),
    enabled: definition.enabled,
    sortOrder: definition.sortOrder,
    audit: {
      createTime: definition.createdAt,
      createdBy: definition.createdBy,
      updateTime: definition.updatedAt,
      updatedBy: definition.updatedBy,
    },
  });
}

/** Unknown enum values become values the domain's validation refuses with a field violation. */
export function fieldsFromProto(message: customFieldV1.CustomFieldDefinition | undefined): DefinitionFields {
  const definition = message ?? customFieldV1.CustomFieldDefinition.fromPartial({});
  return {
    key: definition.key,
    label: definition.label,
    type: keyOf(TYPE_TO_PROTO, definition.type) ?? ('unspecified' as CustomFieldType),
    required: definition.required,
    options: definition.options.map((option) => ({ value: option.value, label: option.label })),
    referenceTarget: keyOf(TARGET_TO_PROTO, definition.referenceTarget) ?? null,
    constraints: constraintsFromProto(definition.constraints),
    enabled: definition.enabled,
    sortOrder: definition.sortOrder,
  };
}
