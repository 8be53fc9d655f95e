import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { CUSTOM_FIELD_QUERY_PATTERN, CustomFieldChanges, CustomFieldQueryValue, CustomFieldValues } from './custom-field-schemas';

// Public JSON shapes of the customer API. Field names are English camelCase; text fields take
// any Unicode (Chinese names are the common case). Money is integer minor units + ISO currency.

export const Money = named(
  'Money',
  Type.Object(
    {
      minorUnits: Type.Integer({ minimum: 0, maximum: 1e15, description: 'Amount in minor units (fen for CNY).' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.', example: 'CNY' }),
    },
    { additionalProperties: false },
  ),
);

const Name = Type.String({ minLength: 1, maxLength: 200, description: 'Display name, CJK or Latin.', example: '上海华东精密机械有限公司' });
const Kind = Type.Union([Type.Literal('company'), Type.Literal('person')], { description: 'Company or private person.' });
export const Phone = Type.String({ maxLength: 32, pattern: '^\\+?[0-9][0-9\\- ()]{2,30}$', example: '+86 21-6888 8888' });
export const Email = Type.String({ maxLength: 254, format: 'email' });
const ShortText = Type.String({ maxLength: 100 });
const Stars = Type.Integer({ minimum: 0, maximum: 5, description: '0 = not rated.' });
const CATEGORY_VALUES = ['potential', 'intentional', 'key', 'deal', 'invalid', 'shelved'] as const;
export const Category = Type.Union(
  CATEGORY_VALUES.map((value) => Type.Literal(value)),
  {
    description: 'Lifecycle: potential 潜在, intentional 意向, key 重点, deal 成交, invalid 无效, shelved 搁置.',
  },
);
const Nature = Type.String({
  maxLength: 100,
  description: 'Customer nature (客户性质): the name of an enabled base-data nature, e.g. 民营企业.',
});
export const Region = named(
  'Region',
  Type.Object(
    {
      province: Type.String({ minLength: 1, maxLength: 50, example: '浙江省' }),
      city: Type.Optional(Type.String({ minLength: 1, maxLength: 50, example: '杭州市' })),
    },
    { additionalProperties: false },
  ),
);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const Customer = named(
  'Customer',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      name: Name,
      kind: Kind,
      phone: Type.Union([Phone, Type.Null()]),
      email: Type.Union([Email, Type.Null()]),
      industry: Type.Union([ShortText, Type.Null()]),
      source: Type.Union([ShortText, Type.Null()]),
      starRating: Stars,
      creditLimit: Type.Union([Money, Type.Null()]),
      ownerId: Type.Union([Type.String(), Type.Null()], { description: 'User id of the owning rep; null in the public pool.' }),
      ownerUnit: Type.Union([Type.String(), Type.Null()], { description: 'Org unit (department) of the owner, e.g. /Sales/East.' }),
      category: Category,
      nature: Type.Union([Nature, Type.Null()]),
      region: Type.Union([Region, Type.Null()]),
      isTarget: Type.Boolean({ description: 'Target customer (目标客户).' }),
      dealDate: Type.Union([IsoDate, Type.Null()], { description: 'Date of the deal confirmation (成交确认).' }),
      customFields: CustomFieldValues,
      version: versionSchema('Send back in If-Match (or body.version) to update.'),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const CreateCustomerBody = named(
  'CreateCustomer',
  Type.Object(
    {
      name: Name,
      kind: Kind,
      phone: Type.Optional(Phone),
      email: Type.Optional(Email),
      industry: Type.Optional(ShortText),
      source: Type.Optional(ShortText),
      starRating: Type.Optional(Stars),
      creditLimit: Type.Optional(Money),
      category: Type.Optional(
        Type.Union([Type.Literal('potential'), Type.Literal('intentional'), Type.Literal('key')], {
          description: 'Starting category; potential by default. Deals are confirmed afterwards.',
        }),
      ),
      nature: Type.Optional(Nature),
      region: Type.Optional(Region),
      isTarget: Type.Optional(Type.Boolean()),
      customFields: Type.Optional(CustomFieldValues),
    },
    { additionalProperties: false },
  ),
);

export const UpdateCustomerBody = named(
  'UpdateCustomer',
  Type.Object(
    {
      name: Type.Optional(Name),
      kind: Type.Optional(Kind),
      phone: Type.Optional(Type.Union([Phone, Type.Null()])),
      email: Type.Optional(Type.Union([Email, Type.Null()])),
      industry: Type.Optional(Type.Union([ShortText, Type.Null()])),
      source: Type.Optional(Type.Union([ShortText, Type.Null()])),
      starRating: Type.Optional(Stars),
      creditLimit: Type.Optional(Type.Union([Money, Type.Null()])),
      nature: Type.Optional(Type.Union([Nature, Type.Null()])),
      region: Type.Optional(Type.Union([Region, Type.Null()])),
      isTarget: Type.Optional(Type.Boolean()),
      customFields: Type.Optional(CustomFieldChanges),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false, minProperties: 1, description: 'Only the fields present change; null clears an optional field.' },
  ),
);

export const CustomerIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Customer id.' }) },
  { additionalProperties: false },
);

const csv = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: `${description}; several separated by commas.` }));
const starBound = (description: string) => Type.Optional(Type.String({ pattern: '^[0-5]$', description }));

export const ListCustomersQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name (case-insensitive, Chinese or Latin).' })),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ()]{3,32}$', description: 'Digits anywhere in the phone number, at least 3.' })),
    ownerId: Type.Optional(Type.String({ maxLength: 100 })),
    category: Type.Optional(
      Type.String({
        pattern: `^(?:${CATEGORY_VALUES.join('|')})(?:,(?:${CATEGORY_VALUES.join('|')}))*$`,
        description: 'Categories, separated by commas.',
      }),
    ),
    nature: csv('Natures'),
    source: csv('Sources'),
    industry: csv('Industries'),
    province: csv('Provinces'),
    city: csv('Cities'),
    minStars: starBound('At least this many stars.'),
    maxStars: starBound('At most this many stars.'),
    target: Type.Optional(Type.Literal('true', { description: 'Only target customers.' })),
    createdFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after (RFC 3339).' })),
    createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'Created before (RFC 3339).' })),
    dealDateFrom: Type.Optional(IsoDate),
    dealDateTo: Type.Optional(IsoDate),
    sort: Type.Optional(
      Type.Union([Type.Literal('newest'), Type.Literal('oldest'), Type.Literal('name'), Type.Literal('stars'), Type.Literal('updated')], {
        description: 'newest (default), oldest, name (pinyin order), stars, updated.',
      }),
    ),
  },
  // Custom field filters: cf.<key>, cf.<key>.min, cf.<key>.max.
  { additionalProperties: false, patternProperties: { [CUSTOM_FIELD_QUERY_PATTERN]: CustomFieldQueryValue } },
);

export const ChangeCategoryBody = named(
  'ChangeCategory',
  Type.Object(
    {
      category: Category,
      dealDate: Type.Optional(IsoDate),
      reason: PageTokenParameter,
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false },
  ),
);

export const CustomerList = named(
  'CustomerList',
  Type.Object(
    {
      items: Type.Array(Customer),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

export type CustomerJson = Static<typeof Customer>;
export type CreateCustomerJson = Static<typeof CreateCustomerBody>;
export type UpdateCustomerJson = Static<typeof UpdateCustomerBody>;
export type CategoryJson = Static<typeof Category>;
export type ListCustomersJson = Static<typeof ListCustomersQuery>;
