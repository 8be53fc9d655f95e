import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { Customer } from './customer-schemas';

// Public JSON shapes of customer maintenance: duplicates and merge, bulk delete and the recycle
// bin, bulk notification requests, partner shares.

const CustomerId = Type.String({ format: 'uuid' });
const NextPageToken = Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' });
const Reason = Type.String({ maxLength: 500, description: "Why; kept in the customers' history." });
const Version = versionSchema;
const idList = (max: number, description: string) => Type.Array(CustomerId, { minItems: 1, maxItems: max, description });

export const DuplicateReason = Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')], {
  description:
    'name: the same after folding full-width characters, case, spaces, punctuation and the legal form (有限公司, Co., Ltd. ...); phone: the same digits, +86 and a trunk 0 ignored; email: the same address, case ignored.',
});
const Score = Type.Integer({ minimum: 1, maximum: 100, description: 'The more independent reasons agree, the higher.' });

export const DuplicatePair = named(
  'DuplicatePair',
  Type.Object(
    {
      first: Customer,
      second: Customer,
      reasons: Type.Array(DuplicateReason),
      score: Score,
    },
    { additionalProperties: false, description: 'Two customers that look alike; second is the newer one, the likely duplicate.' },
  ),
);

export const DuplicatePairList = named(
  'DuplicatePairList',
  Type.Object({ items: Type.Array(DuplicatePair), nextPageToken: NextPageToken }, { additionalProperties: false }),
);

export const DuplicateCandidate = named(
  'DuplicateCandidate',
  Type.Object({ customer: Customer, reasons: Type.Array(DuplicateReason), score: Score }, { additionalProperties: false }),
);

export const DuplicateCandidateList = named(
  'DuplicateCandidateList',
  Type.Object({ items: Type.Array(DuplicateCandidate, { description: 'Best score first.' }) }, { additionalProperties: false }),
);

export const DuplicatePairsQuery = Type.Object(
  { pageSize: pageSizeParameter(), pageToken: PageTokenParameter },
  { additionalProperties: false },
);

export const DuplicateCandidatesQuery = Type.Object({ pageSize: pageSizeParameter() }, { additionalProperties: false });

export const TAKEABLE_FIELDS = [
  'name',
  'kind',
  'phone',
  'email',
  'industry',
  'source',
  'starRating',
  'creditLimit',
  'nature',
  'region',
  'isTarget',
  'customFields',
] as const;

export const MergeCustomersBody = named(
  'MergeCustomers',
  Type.Object(
    {
      survivorId: Type.String({ format: 'uuid', description: 'The customer that remains.' }),
      survivorVersion: Version("The survivor's version you read."),
      mergedId: Type.String({ format: 'uuid', description: 'The customer merged into the survivor; it disappears.' }),
      mergedVersion: Version("The merged customer's version you read."),
      takeFields: Type.Optional(
        Type.Array(Type.Union(TAKEABLE_FIELDS.map((field) => Type.Literal(field))), {
          maxItems: TAKEABLE_FIELDS.length,
          description: 'Fields the survivor takes from the merged customer; it keeps all others (customFields as a whole).',
        }),
      ),
      reason: Type.Optional(Reason),
    },
    { additionalProperties: false },
  ),
);

export const DeleteCustomersBody = named(
  'DeleteCustomers',
  Type.Object(
    { ids: idList(200, 'All or none: one id outside your scope fails the call.'), reason: Type.Optional(Reason) },
    { additionalProperties: false },
  ),
);

export const DeletedIds = named('DeletedIds', Type.Object({ deletedIds: Type.Array(CustomerId) }, { additionalProperties: false }));

export const RestoreCustomersBody = named(
  'RestoreCustomers',
  Type.Object({ ids: idList(200, 'Deleted customers; all or none.') }, { additionalProperties: false }),
);

export const CustomerItems = named('RestoredCustomers', Type.Object({ items: Type.Array(Customer) }, { additionalProperties: false }));

export const DeletedCustomer = named(
  'DeletedCustomer',
  Type.Object(
    {
      customer: Customer,
      deletedAt: Type.String({ format: 'date-time' }),
      deletedBy: Type.Union([Type.String(), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const DeletedCustomerList = named(
  'DeletedCustomerList',
  Type.Object(
    { items: Type.Array(DeletedCustomer, { description: 'Most recently deleted first.' }), nextPageToken: NextPageToken },
    { additionalProperties: false },
  ),
);

export const ListDeletedQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name.' })),
  },
  { additionalProperties: false },
);

export const NotificationChannel = Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('system')], {
  description: 'sms 短信, email, system 站内信.',
});

export const NotificationBody = named(
  'CustomerNotificationRequest',
  Type.Object(
    {
      customerIds: idList(1000, 'Ids outside your scope are reported back in notFoundCustomerIds, not notified.'),
      channel: NotificationChannel,
      text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'The message; or give templateId.' })),
      templateId: Type.Optional(
        Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$', description: 'A template of the messaging service; or give text.' }),
      ),
      subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'For email and system messages.' })),
    },
    { additionalProperties: false },
  ),
);

export const NotificationReceipt = named(
  'CustomerNotificationReceipt',
  Type.Object(
    {
      notificationId: Type.String({ format: 'uuid' }),
      acceptedCustomerIds: Type.Array(CustomerId, { description: 'Passed on to the messaging service.' }),
      notFoundCustomerIds: Type.Array(CustomerId, { description: 'Not in your scope or not existing; not notified.' }),
    },
    { additionalProperties: false },
  ),
);

const PartnerUnit = Type.String({
  minLength: 11,
  maxLength: 200,
  pattern: '^/Partners/[^/]',
  description: 'A partner organisation (group path below /Partners).',
  example: '/Partners/Acme',
});

export const ShareBody = named('ShareCustomer', Type.Object({ unit: PartnerUnit }, { additionalProperties: false }));

export const Share = named(
  'CustomerShare',
  Type.Object(
    {
      customerId: CustomerId,
      unit: Type.String(),
      sharedAt: Type.String({ format: 'date-time' }),
      sharedBy: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const ShareList = named('CustomerShareList', Type.Object({ items: Type.Array(Share) }, { additionalProperties: false }));

export const ShareParams = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Customer id.' }),
    unit: Type.String({ minLength: 1, maxLength: 200, description: 'The partner unit, URL-encoded (%2FPartners%2FAcme).' }),
  },
  { additionalProperties: false },
);

export type MergeCustomersJson = Static<typeof MergeCustomersBody>;
export type NotificationJson = Static<typeof NotificationBody>;
export type TakeableField = (typeof TAKEABLE_FIELDS)[number];
