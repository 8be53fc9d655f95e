import { followUpV1 } from '@liaison/contracts';
import type {
  AnnotationJson,
  CreateFollowUpJson,
  FollowUpJson,
  FollowUpMethodJson,
  ListFollowUpsJson,
  ReminderLevelJson,
  UpdateFollowUpJson,
} from './followup-schemas';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for follow-up records. Protobuf has no null, so an empty string on the wire is
// an absent value, shown as null in JSON.

const { FollowUpMethod, FollowUpReminder } = followUpV1;

const METHODS: Record<FollowUpMethodJson, followUpV1.FollowUpMethod> = {
  visit: FollowUpMethod.FOLLOW_UP_METHOD_VISIT,
  phone: FollowUpMethod.FOLLOW_UP_METHOD_PHONE,
  wechat: FollowUpMethod.FOLLOW_UP_METHOD_WECHAT,
  email: FollowUpMethod.FOLLOW_UP_METHOD_EMAIL,
  meeting: FollowUpMethod.FOLLOW_UP_METHOD_MEETING,
  other: FollowUpMethod.FOLLOW_UP_METHOD_OTHER,
};

const REMINDERS: Record<ReminderLevelJson, followUpV1.FollowUpReminder> = {
  none: FollowUpReminder.FOLLOW_UP_REMINDER_NONE,
  normal: FollowUpReminder.FOLLOW_UP_REMINDER_NORMAL,
  key: FollowUpReminder.FOLLOW_UP_REMINDER_KEY,
};

function keyOf<K extends string, V>(table: Record<K, V>, value: V, fallback: K): K {
  return (Object.keys(table) as K[]).find((key) => table[key] === value) ?? fallback;
}

const orNull = (value: string) => (value === '' ? null : value);
const iso = (date: Date | undefined) => date?.toISOString() ?? '';

export function annotationToJson(annotation: followUpV1.FollowUpAnnotation): AnnotationJson {
  return { id: annotation.id, authorId: annotation.authorId, comment: annotation.comment, createdAt: iso(annotation.createTime) };
}

export function followUpToJson(followUp: followUpV1.FollowUp): FollowUpJson {
  return {
    id: followUp.id,
    customerId: followUp.customerId,
    contactId: orNull(followUp.contactId),
    method: keyOf(METHODS, followUp.method, 'other'),
    content: followUp.content,
    occurredAt: iso(followUp.occurTime),
    nextFollowUpDate: orNull(followUp.nextFollowUpDate),
    reminder: keyOf(REMINDERS, followUp.reminder, 'none'),
    authorId: followUp.authorId,
    annotations: followUp.annotations.map(annotationToJson),
    createdAt: iso(followUp.audit?.createTime),
    updatedAt: iso(followUp.audit?.updateTime),
    editableUntil: iso(followUp.editableUntil),
  };
}

export function createRequestFromJson(
  customerId: string,
  body: CreateFollowUpJson,
  idempotencyKey: string | undefined,
): followUpV1.CreateFollowUpRequest {
  return followUpV1.CreateFollowUpRequest.fromPartial({
    customerId,
    contactId: body.contactId ?? '',
    method: METHODS[body.method],
    content: body.content,
    occurTime: body.occurredAt ? new Date(body.occurredAt) : undefined,
    nextFollowUpDate: body.nextFollowUpDate ?? '',
    reminder: body.reminder ? REMINDERS[body.reminder] : FollowUpReminder.FOLLOW_UP_REMINDER_UNSPECIFIED,
    requestId: idempotencyKey ?? '',
  });
}

const MASK_PATHS: Record<keyof UpdateFollowUpJson, string> = {
  contactId: 'contact_id',
  method: 'method',
  content: 'content',
  occurredAt: 'occur_time',
  nextFollowUpDate: 'next_follow_up_date',
  reminder: 'reminder',
};

// Absent and null both travel as protobuf defaults; the update mask says which ones count.
export function updateRequestFromJson(id: string, body: UpdateFollowUpJson): followUpV1.UpdateFollowUpRequest {
  return followUpV1.UpdateFollowUpRequest.fromPartial({
    id,
    updateMask: Object.entries(MASK_PATHS)
      .filter(([field]) => field in body)
      .map(([, path]) => path),
    followUp: {
      contactId: body.contactId ?? '',
      method: body.method ? METHODS[body.method] : FollowUpMethod.FOLLOW_UP_METHOD_UNSPECIFIED,
      content: body.content ?? '',
      occurTime: body.occurredAt ? new Date(body.occurredAt) : undefined,
      nextFollowUpDate: body.nextFollowUpDate ?? '',
      reminder: body.reminder ? REMINDERS[body.reminder] : FollowUpReminder.FOLLOW_UP_REMINDER_UNSPECIFIED,
    },
  });
}

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];

export function filterFromQuery(query: ListFollowUpsJson): {
  page: { pageSize: number; pageToken: string };
  filter: followUpV1.FollowUpFilter;
} {
  return {
    page: pageFromQuery(query),
    filter: followUpV1.FollowUpFilter.fromPartial({
      methods: list(query.method).map((method) => METHODS[method as FollowUpMethodJson]),
      authorId: query.authorId ?? '',
      occurredFrom: query.occurredFrom ? new Date(query.occurredFrom) : undefined,
      occurredTo: query.occurredTo ? new Date(query.occurredTo) : undefined,
    }),
  };
}
