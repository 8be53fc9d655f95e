import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';

// Public JSON shapes of the custom fields (字段扩展): the definitions administrators maintain,
// and the values customers carry in `customFields`.

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'option', 'multi_option', 'reference'] as const;
export type CustomFieldTypeJson = (typeof CUSTOM_FIELD_TYPES)[number];
export const KEY_PATTERN = '^[a-z][a-z0-9_]{0,39}$';

const Key = Type.String({
  pattern: KEY_PATTERN,
  description: 'ASCII identifier; the key in customFields. Never changes.',
  example: 'annual_revenue',
});
const Label = Type.String({ minLength: 1, maxLength: 50, description: 'Display label, unique.', example: '年营业额' });
const FieldType = Type.Union(
  CUSTOM_FIELD_TYPES.map((type) => Type.Literal(type)),
  {
    description:
      'text; number; date (YYYY-MM-DD); option (one option value); multi_option (list of option values); reference (id of a customer or contact).',
  },
);
const ReferenceTarget = Type.Union([Type.Literal('customer'), Type.Literal('contact')]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const CustomFieldOption = named(
  'CustomFieldOption',
  Type.Object(
    {
      value: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Stored on customers.', example: 'tier_a' }),
      label: Type.String({ minLength: 1, maxLength: 50, example: 'A级代理' }),
    },
    { additionalProperties: false },
  ),
);

export const CustomFieldConstraints = named(
  'CustomFieldConstraints',
  Type.Object(
    {
      maxLength: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 2000, description: 'Text: at most this many characters (default 500).' }),
      ),
      min: Type.Optional(Type.Number({ minimum: -1e15, maximum: 1e15, description: 'Number: inclusive lower bound.' })),
      max: Type.Optional(Type.Number({ minimum: -1e15, maximum: 1e15, description: 'Number: inclusive upper bound.' })),
      decimals: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Number: at most this many digits after the point.' })),
      minDate: Type.Optional(IsoDate),
      maxDate: Type.Optional(IsoDate),
    },
    { additionalProperties: false },
  ),
);

export const CustomFieldDefinition = named(
  'CustomFieldDefinition',
  Type.Object(
    {
      key: Key,
      label: Label,
      type: FieldType,
      required: Type.Boolean({ description: 'New customers must have a value, and no update may remove it.' }),
      options: Type.Array(CustomFieldOption, { description: 'option and multi_option fields.' }),
      referenceTarget: Type.Union([ReferenceTarget, Type.Null()], { description: 'reference fields: what they point to.' }),
      constraints: CustomFieldConstraints,
      enabled: Type.Boolean({ description: 'Disabled fields keep their values but take no new ones.' }),
      sortOrder: Type.Integer(),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const CustomFieldList = named(
  'CustomFieldList',
  Type.Object({ items: Type.Array(CustomFieldDefinition) }, { additionalProperties: false }),
);

const SortOrder = Type.Integer({ minimum: -1e9, maximum: 1e9 });

export const CreateCustomFieldBody = named(
  'CreateCustomField',
  Type.Object(
    {
      key: Key,
      label: Label,
      type: FieldType,
      required: Type.Optional(Type.Boolean()),
      options: Type.Optional(Type.Array(CustomFieldOption, { maxItems: 200 })),
      referenceTarget: Type.Optional(ReferenceTarget),
      constraints: Type.Optional(CustomFieldConstraints),
      sortOrder: Type.Optional(SortOrder),
    },
    { additionalProperties: false },
  ),
);

export const UpdateCustomFieldBody = named(
  'UpdateCustomField',
  Type.Object(
    {
      label: Type.Optional(Label),
      type: Type.Optional(FieldType),
      required: Type.Optional(Type.Boolean()),
      options: Type.Optional(
        Type.Array(CustomFieldOption, { maxItems: 200, description: 'Replaces all options; one a customer holds cannot go.' }),
      ),
      referenceTarget: Type.Optional(Type.Union([ReferenceTarget, Type.Null()])),
      constraints: Type.Optional(CustomFieldConstraints),
      enabled: Type.Optional(Type.Boolean()),
      sortOrder: Type.Optional(SortOrder),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description: 'Only the fields present change; nothing may contradict the values customers hold (409 in_use).',
    },
  ),
);

export const CustomFieldKeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });

export const ListCustomFieldsQuery = Type.Object(
  {
    includeDisabled: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'Disabled fields too; default false.' }),
    ),
  },
  { additionalProperties: false },
);

const CustomFieldValue = Type.Union(
  [Type.String({ maxLength: 2000 }), Type.Number(), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })],
  { description: 'text, date (YYYY-MM-DD), option value or record id; number; list of option values.' },
);

/** Values by key, as customers carry them. */
export const CustomFieldValues = named(
  'CustomFieldValues',
  Type.Record(Type.String({ pattern: KEY_PATTERN }), CustomFieldValue, {
    description: 'Custom field values (字段扩展) by key; see GET /custom-fields.',
    additionalProperties: false,
    maxProperties: 200,
  }),
);

/** Values to set by key; null removes a value; keys not named stay as they are. */
export const CustomFieldChanges = Type.Record(Type.String({ pattern: KEY_PATTERN }), Type.Union([CustomFieldValue, Type.Null()]), {
  description: 'Values to set by key; null removes one; keys not named keep their values.',
  additionalProperties: false,
  maxProperties: 200,
});

/** Query parameters of the customer search on custom fields, cf.<key>, cf.<key>.min, cf.<key>.max. */
export const CUSTOM_FIELD_QUERY_PATTERN = '^cf\\.[a-z][a-z0-9_]{0,39}(\\.(min|max))?$';
export const CustomFieldQueryValue = Type.String({
  minLength: 1,
  maxLength: 500,
  description:
    'cf.<key>=v1,v2: any of these values (for multi_option: holds the option; options by value or label); cf.<key>.min / cf.<key>.max: inclusive bounds of number and date fields.',
});

export type CustomFieldJson = Static<typeof CustomFieldDefinition>;
export type CreateCustomFieldJson = Static<typeof CreateCustomFieldBody>;
export type UpdateCustomFieldJson = Static<typeof UpdateCustomFieldBody>;
export type ConstraintsJson = Static<typeof CustomFieldConstraints>;
