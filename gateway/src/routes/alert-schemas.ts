import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { Category } from './customer-schemas';

// Public JSON shapes of warnings (客户预警) and customer care (客户关怀): the rules administrators
// keep and the alerts the scheduled check raises for customers' owners.

export const RULE_KINDS = ['no_contact', 'no_order', 'contact_birthday', 'fixed_date', 'deal_anniversary'] as const;
export type RuleKindJson = (typeof RULE_KINDS)[number];
const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});
const Timestamp = Type.String({ format: 'date-time' });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, China time.' });

const RuleKind = Type.Union(
  RULE_KINDS.map((kind) => Type.Literal(kind)),
  {
    description:
      'Warnings: no_contact (no follow-up for `days` days, since the last one or the creation), no_order (no order for `days` days, since the last one or the ' +
      'creation). Care: contact_birthday, fixed_date (month/day), deal_anniversary, each `days` ahead (0 = on the day); 29 February is the 28th in other years.',
  },
);
const AlertKind = Type.Union([Type.Literal('warning'), Type.Literal('care')], { description: 'warning 预警 or care 关怀.' });
const AlertStatus = Type.Union([Type.Literal('open'), Type.Literal('acknowledged')]);
export const CARE_CHANNELS = ['sms', 'email'] as const;
export type CareChannelJson = (typeof CARE_CHANNELS)[number];
const CareChannel = Type.Union(
  CARE_CHANNELS.map((channel) => Type.Literal(channel)),
  { description: 'sms (to the mobile, else the first phone) or email.' },
);
const CareChannels = (description: string) => Type.Array(CareChannel, { maxItems: 2, uniqueItems: true, description });
const SendTime = Type.String({
  pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, China time, on the due date.',
  example: '09:00',
});

const settingsFields = {
  name: Type.String({ minLength: 1, maxLength: 50, description: 'Unique.', example: '30天未联系预警' }),
  days: Type.Integer({
    minimum: 0,
    maximum: 3650,
    description: 'Warnings: 1..3650 days of silence. Care: 0..365 days ahead.',
    example: 30,
  }),
  month: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 12 }), 'fixed_date only.')),
  day: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 31 }), 'fixed_date only; valid for the month.')),
  categories: Type.Optional(
    Type.Array(Category, { maxItems: 6, description: 'Only customers in these categories; empty or absent = all.' }),
  ),
  targetOnly: Type.Optional(Type.Boolean({ description: 'Only target customers (目标客户).' })),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  channels: Type.Optional(
    CareChannels('Care only: also greet the customer on these channels; empty or absent = only the reminder to the owner.'),
  ),
  sendTime: Type.Optional(Nullable(SendTime, 'Care only; default 09:00.')),
  message: Type.Optional(
    Nullable(
      Type.String({ minLength: 1, maxLength: 300, example: '{contact}您好，{customer}祝您生日快乐！' }),
      "Care only, required with channels: the greeting, 1..300 characters; {customer} and {contact} stand for the customer's and the recipient's names.",
    ),
  ),
};

export const AlertRule = named(
  'AlertRule',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      name: Type.String(),
      kind: RuleKind,
      days: Type.Integer(),
      month: Nullable(Type.Integer()),
      day: Nullable(Type.Integer()),
      categories: Type.Array(Category),
      targetOnly: Type.Boolean(),
      enabled: Type.Boolean(),
      channels: CareChannels('Care only: greeting channels; empty = only the reminder to the owner.'),
      sendTime: Nullable(SendTime, 'Care only; null for warnings.'),
      message: Nullable(Type.String(), 'The greeting template.'),
      version: versionSchema(),
      createdAt: Timestamp,
      createdBy: Type.String(),
      updatedAt: Timestamp,
      updatedBy: Type.String(),
    },
    { additionalProperties: false, description: 'A warning or care rule.' },
  ),
);

export const AlertRuleList = named('AlertRuleList', Type.Object({ items: Type.Array(AlertRule) }, { additionalProperties: false }));

export const CreateAlertRuleBody = named(
  'CreateAlertRule',
  Type.Object({ kind: RuleKind, ...settingsFields }, { additionalProperties: false }),
);

export const UpdateAlertRuleBody = named(
  'UpdateAlertRule',
  Type.Object(
    { ...settingsFields, version: Type.Optional(versionSchema('Alternative to If-Match.')) },
    { additionalProperties: false, description: 'Replaces every setting; the kind never changes.' },
  ),
);

export const AlertCheckRun = named(
  'AlertCheckRun',
  Type.Object(
    {
      rulesEvaluated: Type.Integer({ description: 'Enabled rules evaluated.' }),
      warningsRaised: Type.Integer({ description: 'Warnings recorded by this run.' }),
      careDue: Type.Integer({ description: 'Care reminders recorded by this run.' }),
    },
    { additionalProperties: false },
  ),
);

export const CareDelivery = named(
  'CareDelivery',
  Type.Object(
    {
      channels: CareChannels("The rule's channels the recipient can be reached on."),
      undeliverableChannels: CareChannels("The rule's channels lacking a phone number or an e-mail address."),
      sendAt: Type.String({
        format: 'date-time',
        description: "The due date at the rule's send time (China time), or the raise time if that had passed.",
      }),
      recipientContactId: Nullable(Type.String({ format: 'uuid' }), 'null: the customer itself, which had no live contact.'),
      recipientName: Type.String(),
      phone: Nullable(Type.String()),
      email: Nullable(Type.String()),
      message: Type.String({ description: 'The greeting with the names filled in.' }),
    },
    { additionalProperties: false, description: 'The greeting a care alert sends the customer, fixed when raised.' },
  ),
);

export const CustomerAlert = named(
  'CustomerAlert',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      kind: AlertKind,
      ruleId: Type.String({ format: 'uuid' }),
      ruleName: Type.String(),
      ruleKind: RuleKind,
      customerId: Type.String({ format: 'uuid' }),
      customerName: Type.String(),
      contactId: Nullable(Type.String({ format: 'uuid' }), 'Birthdays only.'),
      contactName: Nullable(Type.String()),
      ownerId: Type.String({ description: 'The recipient: the owner when the alert was raised.' }),
      ownerUnit: Nullable(Type.String()),
      reason: Type.String({
        description: 'Notification text in Chinese.',
        example: '客户「华东机电」已 35 天未联系（上次联系 2026-01-02）',
      }),
      dueDate: IsoDate,
      days: Type.Integer({ description: 'Warnings: days of silence when raised. Care: days left (0 = today).' }),
      status: AlertStatus,
      createdAt: Timestamp,
      acknowledgedAt: Nullable(Timestamp),
      acknowledgedBy: Nullable(Type.String()),
      delivery: Nullable(CareDelivery, 'Care alerts of rules with channels; null otherwise.'),
    },
    { additionalProperties: false },
  ),
);

export const AlertList = named(
  'AlertList',
  Type.Object(
    {
      items: Type.Array(CustomerAlert),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

export const ListAlertsQuery = Type.Object(
  {
    kind: Type.Optional(AlertKind),
    status: Type.Optional(AlertStatus),
    ruleId: Type.Optional(Type.String({ format: 'uuid' })),
    customerId: Type.Optional(Type.String({ format: 'uuid' })),
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

// Writes always carry a JSON body; these commands need nothing in it.
export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'Nothing to say: send {}.' });

export type AlertRuleJson = Static<typeof AlertRule>;
export type CreateAlertRuleJson = Static<typeof CreateAlertRuleBody>;
export type UpdateAlertRuleJson = Static<typeof UpdateAlertRuleBody>;
export type CustomerAlertJson = Static<typeof CustomerAlert>;
export type ListAlertsJson = Static<typeof ListAlertsQuery>;
