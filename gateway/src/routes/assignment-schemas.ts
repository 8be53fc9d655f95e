import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { Category, Customer, Region } from './customer-schemas';

// Public JSON shapes of customer ownership: the pool (公海), pending customers (待处理),
// assignment, transfer (客户转移), the ownership history and the return-to-pool rule.

const UserId = Type.String({ minLength: 1, maxLength: 100, description: 'User id (the Keycloak `sub`).' });
const unitField = (description: string) =>
  Type.String({ minLength: 2, maxLength: 200, pattern: '^(/[^/]+)+$', description, example: '/Sales/East' });
const Reason = Type.String({ maxLength: 500, description: 'Why; kept in the ownership history.', example: '原销售离职，客户移交' });
const CustomerIds = Type.Array(Type.String({ format: 'uuid' }), {
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
  description: '1 to 200 customers, all changed or none.',
});
const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});
const CATEGORY_NAMES = 'potential|intentional|key|deal|invalid|shelved';
const csvCategories = `^(?:${CATEGORY_NAMES})(?:,(?:${CATEGORY_NAMES}))*$`;

export const PoolCustomer = named(
  'PoolCustomer',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      name: Type.String(),
      kind: Type.Union([Type.Literal('company'), Type.Literal('person')]),
      category: Category,
      industry: Nullable(Type.String()),
      source: Nullable(Type.String()),
      nature: Nullable(Type.String()),
      region: Type.Union([Region, Type.Null()]),
      starRating: Type.Integer({ minimum: 0, maximum: 5 }),
      pooledAt: Nullable(Timestamp, 'When it (last) entered the pool.'),
      lastContactedAt: Nullable(Timestamp, 'The last follow-up by anyone; null when never contacted.'),
    },
    { additionalProperties: false, description: 'What every pool reader sees of a pool customer: no phone or e-mail before claiming.' },
  ),
);

export const PoolCustomerList = named(
  'PoolCustomerList',
  Type.Object(
    { items: Type.Array(PoolCustomer), nextPageToken: Nullable(Type.String(), 'null on the last page.') },
    { additionalProperties: false },
  ),
);

export const ListPoolQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name.' })),
    category: Type.Optional(Type.String({ pattern: csvCategories, description: 'Categories, separated by commas.' })),
  },
  { additionalProperties: false },
);

export const ReleaseBody = named(
  'ReleaseToPool',
  Type.Object(
    { reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; kept in the ownership history.' }) },
    { additionalProperties: false },
  ),
);

export const AssignBody = named(
  'AssignCustomers',
  Type.Object(
    {
      customerIds: CustomerIds,
      assigneeId: UserId,
      assigneeUnit: unitField("The assignee's org unit; must be one you manage (admins: any)."),
      reason: Type.Optional(Reason),
    },
    { additionalProperties: false, description: 'Hands pool customers and pending customers to one rep.' },
  ),
);

export const FollowersBody = named(
  'AssignFollowers',
  Type.Object(
    {
      customerIds: CustomerIds,
      followerId: UserId,
      followerUnit: unitField("The follower's org unit; must be one you manage (admins: any)."),
    },
    { additionalProperties: false },
  ),
);

export const TransferBody = named(
  'TransferCustomers',
  Type.Object(
    {
      customerIds: CustomerIds,
      toOwnerId: UserId,
      toOwnerUnit: unitField("The new owner's org unit; must be one you manage (admins: any)."),
      reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; kept in the ownership history.' }),
      keepPreviousOwnerAsFollower: Type.Optional(Type.Boolean({ description: 'The previous owner stays on as follower.' })),
    },
    { additionalProperties: false },
  ),
);

export const CustomerItems = named('CustomerItems', Type.Object({ items: Type.Array(Customer) }, { additionalProperties: false }));

export const PendingCustomer = named(
  'PendingCustomer',
  Type.Object(
    {
      customer: Customer,
      pendingSince: Timestamp,
      lastContactedAt: Nullable(Timestamp, 'A follow-up before it became pending (earlier owner, or imported); null when never contacted.'),
      followerId: Nullable(Type.String()),
      followerUnit: Nullable(Type.String()),
    },
    { additionalProperties: false },
  ),
);

export const PendingCustomerList = named(
  'PendingCustomerList',
  Type.Object(
    { items: Type.Array(PendingCustomer), nextPageToken: Nullable(Type.String(), 'null on the last page.') },
    { additionalProperties: false },
  ),
);

export const ListPendingQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    contacted: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], {
        description: 'true: contacted before (give them a follower); false: never contacted (assign them to a rep).',
      }),
    ),
    unit: Type.Optional(unitField('Only customers owned in this unit or below.')),
  },
  { additionalProperties: false },
);

const ChangeKind = Type.Union(['create', 'claim', 'release', 'assign', 'transfer', 'return_to_pool'].map((kind) => Type.Literal(kind)));

export const OwnershipChange = named(
  'OwnershipChange',
  Type.Object(
    {
      kind: ChangeKind,
      fromOwnerId: Nullable(Type.String(), 'null: from the pool (or, for create, nothing before).'),
      fromOwnerUnit: Nullable(Type.String()),
      toOwnerId: Nullable(Type.String(), 'null: into the pool.'),
      toOwnerUnit: Nullable(Type.String()),
      reason: Nullable(Type.String()),
      actorId: Type.String({ description: 'Who made the change; system:pool-rule for the return-to-pool rule.' }),
      changedAt: Timestamp,
    },
    { additionalProperties: false },
  ),
);

export const OwnershipHistory = named(
  'OwnershipHistory',
  Type.Object({ items: Type.Array(OwnershipChange, { description: 'Oldest first.' }) }, { additionalProperties: false }),
);

const RuleFields = {
  enabled: Type.Boolean(),
  daysWithoutContact: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: 'Days since the last follow-up, or since the current owner got the customer if later.',
  }),
  excludedCategories: Type.Array(Category, { maxItems: 6, uniqueItems: true, description: 'Never returned; deal by default.' }),
};

export const PoolRule = named(
  'PoolRule',
  Type.Object(
    { ...RuleFields, version: versionSchema(), updatedAt: Timestamp, updatedBy: Type.String() },
    { additionalProperties: false, description: 'Returns owned customers to the pool after days without follow-up.' },
  ),
);

export const PoolRuleBody = named(
  'UpdatePoolRule',
  Type.Object({ ...RuleFields, version: Type.Optional(versionSchema('Alternative to If-Match.')) }, { additionalProperties: false }),
);

export const PoolRuleRun = named(
  'PoolRuleRun',
  Type.Object(
    {
      enabled: Type.Boolean({ description: 'false: the rule is off and nothing was evaluated.' }),
      returnedCustomerIds: Type.Array(Type.String({ format: 'uuid' })),
    },
    { additionalProperties: false },
  ),
);

// Writes always carry a JSON body; these commands need nothing in it.
export const TransferSettings = named(
  'TransferSettings',
  Type.Object(
    {
      approvalRequired: Type.Boolean({
        description: 'Transfers by anyone but an admin open a customer.transfer approval instead of moving the customers.',
      }),
      version: versionSchema(),
      updatedAt: Timestamp,
      updatedBy: Type.String(),
    },
    { additionalProperties: false, description: 'Whether a transfer needs approval (客户转移审批); off by default.' },
  ),
);

export const TransferSettingsBody = named(
  'UpdateTransferSettings',
  Type.Object(
    { approvalRequired: Type.Boolean(), version: Type.Optional(versionSchema('Alternative to If-Match.')) },
    { additionalProperties: false },
  ),
);

export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'Nothing to say: send {}.' });

export const PoolCustomerIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Customer id.' }) },
  { additionalProperties: false },
);

export type PoolCustomerJson = Static<typeof PoolCustomer>;
export type ListPoolJson = Static<typeof ListPoolQuery>;
export type PendingCustomerJson = Static<typeof PendingCustomer>;
export type OwnershipChangeJson = Static<typeof OwnershipChange>;
export type PoolRuleJson = Static<typeof PoolRule>;
export type PoolRuleBodyJson = Static<typeof PoolRuleBody>;
