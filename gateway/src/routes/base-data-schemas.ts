import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';

// Public JSON shapes of the base data (基础数据): the lists customers choose their source,
// industry, nature, target flag and region from.

export const BASE_DATA_KINDS = ['source', 'industry', 'nature', 'target_flag', 'province', 'city'] as const;
export type BaseDataKindJson = (typeof BASE_DATA_KINDS)[number];

const Kind = Type.Union(
  BASE_DATA_KINDS.map((kind) => Type.Literal(kind)),
  {
    description: 'source 客户来源, industry 行业, nature 客户性质, target_flag 目标客户标记, province 省, city 市 (of a province).',
  },
);
const Code = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: 'Stable ASCII identifier, unique within the kind.',
  example: 'trade_show',
});
const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Chinese name, what customers store; unique within the kind (cities: within their province).',
  example: '展会',
});
const NameEn = Type.String({ minLength: 1, maxLength: 100, example: 'Trade show' });
const SortOrder = Type.Integer({ minimum: -1e9, maximum: 1e9, description: 'Ascending; ties by code.' });

export const BaseDataEntry = named(
  'BaseDataEntry',
  Type.Object(
    {
      kind: Kind,
      code: Code,
      name: Name,
      nameEn: Type.Union([NameEn, Type.Null()]),
      sortOrder: SortOrder,
      enabled: Type.Boolean({ description: 'Disabled entries stay on existing customers but are not accepted on new values.' }),
      parentCode: Type.Union([Code, Type.Null()], { description: 'Cities: the code of their province.' }),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const BaseDataList = named('BaseDataList', Type.Object({ items: Type.Array(BaseDataEntry) }, { additionalProperties: false }));

export const RegionTree = named(
  'RegionTree',
  Type.Object({ province: BaseDataEntry, cities: Type.Array(BaseDataEntry) }, { additionalProperties: false }),
);

export const RegionList = named('RegionList', Type.Object({ items: Type.Array(RegionTree) }, { additionalProperties: false }));

export const CreateBaseDataBody = named(
  'CreateBaseDataEntry',
  Type.Object(
    {
      code: Code,
      name: Name,
      nameEn: Type.Optional(NameEn),
      sortOrder: Type.Optional(SortOrder),
      parentCode: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: 'Required for cities: the code of the province.' }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const UpdateBaseDataBody = named(
  'UpdateBaseDataEntry',
  Type.Object(
    {
      name: Type.Optional(Name),
      nameEn: Type.Optional(Type.Union([NameEn, Type.Null()])),
      sortOrder: Type.Optional(SortOrder),
      enabled: Type.Optional(Type.Boolean()),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description: 'Only the fields present change. A name in use by customers cannot change.',
    },
  ),
);

export const KindParams = Type.Object({ kind: Kind }, { additionalProperties: false });
export const EntryParams = Type.Object({ kind: Kind, code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const Flag = (description: string) => Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description }));

export const ListBaseDataQuery = Type.Object(
  {
    includeDisabled: Flag('Disabled entries too (administration); default false.'),
    parentCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Cities: only those of this province code.' })),
  },
  { additionalProperties: false },
);

export const ListRegionsQuery = Type.Object(
  { includeDisabled: Flag('Disabled provinces and cities too; default false.') },
  { additionalProperties: false },
);

export const ImportQuery = Type.Object({ dryRun: Flag('Check everything, write nothing.') }, { additionalProperties: false });

export const ImportResult = named(
  'BaseDataImportResult',
  Type.Object(
    {
      created: Type.Integer({ minimum: 0 }),
      updated: Type.Integer({ minimum: 0 }),
      unchanged: Type.Integer({ minimum: 0 }),
      dryRun: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);

export type BaseDataEntryJson = Static<typeof BaseDataEntry>;
export type CreateBaseDataJson = Static<typeof CreateBaseDataBody>;
export type UpdateBaseDataJson = Static<typeof UpdateBaseDataBody>;
