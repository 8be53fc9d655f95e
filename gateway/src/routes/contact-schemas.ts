import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';

// Public JSON shapes of contacts (联系人) and their relation graph. The service checks the
// finer rules too (a mainland mobile's digits, a real birthday, unique login accounts); these
// schemas catch the shape early and document it.

const Name = Type.String({ minLength: 1, maxLength: 100, description: 'Name, CJK or Latin.', example: '王建国' });
const ShortText = Type.String({ maxLength: 100 });
const PHONE_KINDS = ['mobile', 'office', 'other'] as const;
const IM_KINDS = ['wechat', 'qq', 'wecom', 'dingtalk', 'other'] as const;
const RELATION_KINDS = ['reports_to', 'influences', 'other'] as const;
const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

export const ContactPhone = named(
  'ContactPhone',
  Type.Object(
    {
      kind: literals(PHONE_KINDS, 'mobile 手机 (a mainland number unless it has a foreign country code), office 座机, other.'),
      number: Type.String({
        minLength: 3,
        maxLength: 48,
        description: 'Digits, spaces, -, (), optional leading +; an office number may end in an extension (转 801).',
        example: '138 0013 8000',
      }),
    },
    { additionalProperties: false },
  ),
);

export const ContactImAccount = named(
  'ContactImAccount',
  Type.Object(
    {
      kind: literals(IM_KINDS, 'wechat 微信, qq, wecom 企业微信, dingtalk 钉钉, other.'),
      handle: Type.String({ minLength: 1, maxLength: 100, example: 'wangjg_1975' }),
    },
    { additionalProperties: false },
  ),
);

export const ContactBirthday = named(
  'ContactBirthday',
  Type.Object(
    {
      month: Type.Integer({ minimum: 1, maximum: 12 }),
      day: Type.Integer({ minimum: 1, maximum: 31 }),
      year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100, description: 'Left out when unknown.' })),
    },
    { additionalProperties: false, description: 'A real date; the year is optional, as Chinese records often lack it.' },
  ),
);

const Phones = Type.Array(ContactPhone, { maxItems: 10 });
const ImAccounts = Type.Array(ContactImAccount, { maxItems: 10 });
const Hobbies = Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 20, description: '爱好, e.g. 钓鱼, 茶道.' });
const Email = Type.String({ maxLength: 254, format: 'email' });
const Address = Type.String({ maxLength: 300 });
const LoginAccount = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$',
  description: "Portal login; unique among the customer's contacts, case-insensitive, stored lower-case.",
});
const Notes = Type.String({ maxLength: 2000 });
const IsPrimary = Type.Boolean({ description: "Primary contact (主联系人); setting it takes the flag from the customer's other contact." });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const Contact = named(
  'Contact',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      customerId: Type.String({ format: 'uuid' }),
      name: Name,
      title: nullable(ShortText),
      department: nullable(ShortText),
      phones: Phones,
      email: nullable(Email),
      imAccounts: ImAccounts,
      address: nullable(Address),
      birthday: Type.Union([ContactBirthday, Type.Null()]),
      hobbies: Hobbies,
      loginAccount: nullable(Type.String()),
      isPrimary: IsPrimary,
      notes: nullable(Notes),
      version: versionSchema('Send back in If-Match (or body.version) to change or delete.'),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const CreateContactBody = named(
  'CreateContact',
  Type.Object(
    {
      name: Name,
      title: Type.Optional(ShortText),
      department: Type.Optional(ShortText),
      phones: Type.Optional(Phones),
      email: Type.Optional(Email),
      imAccounts: Type.Optional(ImAccounts),
      address: Type.Optional(Address),
      birthday: Type.Optional(ContactBirthday),
      hobbies: Type.Optional(Hobbies),
      loginAccount: Type.Optional(LoginAccount),
      isPrimary: Type.Optional(IsPrimary),
      notes: Type.Optional(Notes),
    },
    { additionalProperties: false },
  ),
);

export const UpdateContactBody = named(
  'UpdateContact',
  Type.Object(
    {
      name: Type.Optional(Name),
      title: Type.Optional(nullable(ShortText)),
      department: Type.Optional(nullable(ShortText)),
      phones: Type.Optional(Phones),
      email: Type.Optional(nullable(Email)),
      imAccounts: Type.Optional(ImAccounts),
      address: Type.Optional(nullable(Address)),
      birthday: Type.Optional(Type.Union([ContactBirthday, Type.Null()])),
      hobbies: Type.Optional(Hobbies),
      loginAccount: Type.Optional(nullable(LoginAccount)),
      isPrimary: Type.Optional(IsPrimary),
      notes: Type.Optional(nullable(Notes)),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description: 'Only the fields present change; null clears an optional field, [] a list.',
    },
  ),
);

export const CustomerContactsParams = Type.Object(
  { customerId: Type.String({ format: 'uuid', description: 'Customer id.' }) },
  { additionalProperties: false },
);

export const ContactIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Contact id.' }) },
  { additionalProperties: false },
);

export const RelationParams = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The contact the relation starts from.' }),
    toId: Type.String({ format: 'uuid', description: 'The contact it points to, of the same customer.' }),
  },
  { additionalProperties: false },
);

export const ListContactsQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name (case-insensitive).' })),
    phone: Type.Optional(
      Type.String({ pattern: '^[0-9+\\- ()]{3,32}$', description: "Digits of any of the contact's numbers, at least 3." }),
    ),
  },
  { additionalProperties: false },
);

export const DeleteContactQuery = Type.Object(
  { version: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: 'Alternative to If-Match.' })) },
  { additionalProperties: false },
);

export const ContactList = named(
  'ContactList',
  Type.Object(
    {
      items: Type.Array(Contact),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

const RelationKind = literals(RELATION_KINDS, 'reports_to 汇报给 (never in a cycle), influences 影响 (the buying decision), other.');
const Label = Type.String({ minLength: 1, maxLength: 50, description: 'Free text, e.g. 大学同学.' });

export const SetRelationBody = named(
  'SetContactRelation',
  Type.Object({ kind: RelationKind, label: Type.Optional(Label) }, { additionalProperties: false }),
);

export const ContactRelation = named(
  'ContactRelation',
  Type.Object(
    {
      from: Type.String({ format: 'uuid' }),
      to: Type.String({ format: 'uuid' }),
      kind: RelationKind,
      label: Type.Union([Label, Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const ContactGraph = named(
  'ContactGraph',
  Type.Object(
    { nodes: Type.Array(Contact), edges: Type.Array(ContactRelation) },
    { additionalProperties: false, description: "The customer's contacts and the relations between them." },
  ),
);

export type ContactJson = Static<typeof Contact>;
export type CreateContactJson = Static<typeof CreateContactBody>;
export type UpdateContactJson = Static<typeof UpdateContactBody>;
export type ListContactsJson = Static<typeof ListContactsQuery>;
export type RelationJson = Static<typeof ContactRelation>;
export type RelationKindJson = RelationJson['kind'];
