import { followUpV1 } from '@liaison/contracts';
import { editableUntil, type Annotation, type FollowUp, type FollowUpMethod, type ReminderLevel } from '../domain/followup';

// Translation between the protobuf contract and the follow-up domain model, used by the gRPC
// handlers and by the event payloads (events carry the same messages as the API).

const { FollowUpMethod: ProtoMethod, FollowUpReminder: ProtoReminder } = followUpV1;

const METHOD_TO_PROTO: Record<FollowUpMethod, followUpV1.FollowUpMethod> = {
  visit: ProtoMethod.FOLLOW_UP_METHOD_VISIT,
  phone: ProtoMethod.FOLLOW_UP_METHOD_PHONE,
  wechat: ProtoMethod.FOLLOW_UP_METHOD_WECHAT,
  email: ProtoMethod.FOLLOW_UP_METHOD_EMAIL,
  meeting: ProtoMethod.FOLLOW_UP_METHOD_MEETING,
  other: ProtoMethod.FOLLOW_UP_METHOD_OTHER,
};

const REMINDER_TO_PROTO: Record<ReminderLevel, followUpV1.FollowUpReminder> = {
  none: ProtoReminder.FOLLOW_UP_REMINDER_NONE,
  normal: ProtoReminder.FOLLOW_UP_REMINDER_NORMAL,
  key: ProtoReminder.FOLLOW_UP_REMINDER_KEY,
};

/** undefined for UNSPECIFIED or unknown values; callers decide whether that is allowed. */
export function methodFromProto(method: followUpV1.FollowUpMethod): FollowUpMethod | undefined {
  return (Object.keys(METHOD_TO_PROTO) as FollowUpMethod[]).find((key) => METHOD_TO_PROTO[key] === method);
}

/** UNSPECIFIED means no reminder; undefined for unknown values. */
export function reminderFromProto(reminder: followUpV1.FollowUpReminder): ReminderLevel | undefined {
  if (reminder === ProtoReminder.FOLLOW_UP_REMINDER_UNSPECIFIED) return 'none';
  return (Object.keys(REMINDER_TO_PROTO) as ReminderLevel[]).find((key) => REMINDER_TO_PROTO[key] === reminder);
}

export function toProtoAnnotation(annotation: Annotation): followUpV1.FollowUpAnnotation {
  return followUpV1.FollowUpAnnotation.fromPartial({
    id: annotation.id,
    followUpId: annotation.followUpId,
    authorId: annotation.authorId,
    comment: annotation.comment,
    createTime: annotation.createdAt,
  });
}

export function toProtoFollowUp(followUp: FollowUp): followUpV1.FollowUp {
  return followUpV1.FollowUp.fromPartial({
    id: followUp.id,
    customerId: followUp.customerId,
    contactId: followUp.contactId ?? '',
    method: METHOD_TO_PROTO[followUp.method],
    content: followUp.content,
    occurTime: followUp.occurredAt,
    nextFollowUpDate: followUp.nextFollowUpDate ?? '',
    reminder: REMINDER_TO_PROTO[followUp.reminder],
    authorId: followUp.authorId,
    annotations: followUp.annotations.map(toProtoAnnotation),
    audit: { createTime: followUp.createdAt, createdBy: followUp.authorId, updateTime: followUp.updatedAt, updatedBy: followUp.authorId },
    editableUntil: editableUntil(followUp),
  });
}
