import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';

// Public JSON shapes of follow-up records (跟单/拜访记录) and annotations (批示). Text takes any
// Unicode; lengths count characters, so 5000 Chinese characters fit.

const METHOD_VALUES = ['visit', 'phone', 'wechat', 'email', 'meeting', 'other'] as const;
export const FollowUpMethod = Type.Union(
  METHOD_VALUES.map((value) => Type.Literal(value)),
  {
    description: 'visit 拜访, phone 电话, wechat 微信, email 邮件, meeting 会议, other.',
  },
);
export const ReminderLevel = Type.Union([Type.Literal('none'), Type.Literal('normal'), Type.Literal('key')], {
  description: 'Reminder of the next follow-up: none, normal 普通 or key 重点. A reminder needs nextFollowUpDate.',
});
const Content = Type.String({
  minLength: 1,
  maxLength: 5000,
  description: 'What happened, 1 to 5000 characters.',
  example: '上门拜访王总，确认二期采购意向，下周报价。',
});
const Comment = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: '1 to 2000 characters.',
  example: '价格可以再让两个点，尽快签约。',
});
const Uuid = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, today or later (China time).' });
const DateTime = Type.String({ format: 'date-time' });

export const Annotation = named(
  'FollowUpAnnotation',
  Type.Object(
    {
      id: Uuid,
      authorId: Type.String({ description: 'User id of the supervisor.' }),
      comment: Comment,
      createdAt: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const FollowUp = named(
  'FollowUp',
  Type.Object(
    {
      id: Uuid,
      customerId: Uuid,
      contactId: Type.Union([Uuid, Type.Null()], { description: 'The contact of the customer it was with, if any.' }),
      method: FollowUpMethod,
      content: Content,
      occurredAt: Type.String({ format: 'date-time', description: 'When the visit or call took place.' }),
      nextFollowUpDate: Type.Union([IsoDate, Type.Null()]),
      reminder: ReminderLevel,
      authorId: Type.String({ description: 'User id of the rep who recorded it.' }),
      annotations: Type.Array(Annotation, { description: "Supervisors' annotations (批示), oldest first." }),
      createdAt: DateTime,
      updatedAt: DateTime,
      editableUntil: Type.String({
        format: 'date-time',
        description: 'The author may change the record until then (24 hours after recording).',
      }),
    },
    { additionalProperties: false },
  ),
);

export const CreateFollowUpBody = named(
  'CreateFollowUp',
  Type.Object(
    {
      contactId: Type.Optional(Uuid),
      method: FollowUpMethod,
      content: Content,
      occurredAt: Type.Optional(Type.String({ format: 'date-time', description: 'Defaults to now; not in the future.' })),
      nextFollowUpDate: Type.Optional(IsoDate),
      reminder: Type.Optional(ReminderLevel),
    },
    { additionalProperties: false },
  ),
);

export const UpdateFollowUpBody = named(
  'UpdateFollowUp',
  Type.Object(
    {
      contactId: Type.Optional(Type.Union([Uuid, Type.Null()])),
      method: Type.Optional(FollowUpMethod),
      content: Type.Optional(Content),
      occurredAt: Type.Optional(DateTime),
      nextFollowUpDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
      reminder: Type.Optional(ReminderLevel),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description: 'Only the fields present change; null clears an optional field. The author only, within 24 hours.',
    },
  ),
);

export const AnnotateBody = named('AnnotateFollowUp', Type.Object({ comment: Comment }, { additionalProperties: false }));

export const FollowUpIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Follow-up id.' }) },
  { additionalProperties: false },
);

export const ListFollowUpsQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    method: Type.Optional(
      Type.String({
        pattern: `^(?:${METHOD_VALUES.join('|')})(?:,(?:${METHOD_VALUES.join('|')}))*$`,
        description: 'Methods, separated by commas.',
      }),
    ),
    authorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'User id of the author.' })),
    occurredFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Occurred at or after (RFC 3339).' })),
    occurredTo: Type.Optional(Type.String({ format: 'date-time', description: 'Occurred before (RFC 3339).' })),
  },
  { additionalProperties: false },
);

export const FollowUpList = named(
  'FollowUpList',
  Type.Object(
    {
      items: Type.Array(FollowUp),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

export type FollowUpJson = Static<typeof FollowUp>;
export type AnnotationJson = Static<typeof Annotation>;
export type CreateFollowUpJson = Static<typeof CreateFollowUpBody>;
export type UpdateFollowUpJson = Static<typeof UpdateFollowUpBody>;
export type ListFollowUpsJson = Static<typeof ListFollowUpsQuery>;
export type FollowUpMethodJson = Static<typeof FollowUpMethod>;
export type ReminderLevelJson = Static<typeof ReminderLevel>;
