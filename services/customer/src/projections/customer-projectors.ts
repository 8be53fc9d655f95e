import type { eventsV1, followUpEventsV1 } from '@liaison/contracts';
import type { ReceivedEvent } from '@liaison/events';
import { categoryFromProto } from '../grpc/customer-mapper';
import { clip, customerIdOf, refIdOf, timeOf, InvalidEventError, type ProjectionChange } from './projection-change';

// Projectors of this service's own events on liaison.customer.v1: the customer's milestones for
// the timeline, credit-limit changes (the credit risk depends on them) and follow-ups, which
// count as weak signals of the value score.

const FOLLOW_UP_TITLE_LENGTH = 120;

export function customerCreated(event: ReceivedEvent): ProjectionChange {
  const { customer } = event.payload as eventsV1.CustomerCreated;
  if (!customer) throw new InvalidEventError(event.type, 'customer is missing');
  const customerId = customerIdOf(event, customer.id);
  return {
    customerId,
    timeline: {
      kind: 'customer_created',
      section: 'customer',
      title: 'Customer created',
      at: timeOf(event, customer.audit?.createTime),
      refId: customerId,
    },
  };
}

/** Only a new credit limit matters here: it may raise or clear the credit-risk warning. */
export function customerUpdated(event: ReceivedEvent): ProjectionChange | null {
  const { customer, changedFields } = event.payload as eventsV1.CustomerUpdated;
  if (!customer || !changedFields.includes('credit_limit')) return null;
  return { customerId: customerIdOf(event, customer.id) };
}

export function customerCategoryChanged(event: ReceivedEvent): ProjectionChange {
  const { customer, from, to, reason } = event.payload as eventsV1.CustomerCategoryChanged;
  if (!customer) throw new InvalidEventError(event.type, 'customer is missing');
  const move = `Category ${categoryFromProto(from) ?? 'unknown'} → ${categoryFromProto(to) ?? 'unknown'}`;
  return {
    customerId: customerIdOf(event, customer.id),
    timeline: {
      kind: 'category_changed',
      section: 'customer',
      title: clip(reason.trim() ? `${move}: ${reason}` : move),
      at: timeOf(event, customer.audit?.updateTime),
    },
  };
}

export function followUpRecorded(event: ReceivedEvent): ProjectionChange {
  const { followUp } = event.payload as followUpEventsV1.FollowUpRecorded;
  if (!followUp) throw new InvalidEventError(event.type, 'follow_up is missing');
  const followUpId = refIdOf(event, followUp.id, 'follow_up.id');
  const at = timeOf(event, followUp.occurTime);
  return {
    customerId: customerIdOf(event, followUp.customerId),
    fact: { kind: 'follow_up', refId: followUpId, startedAt: at },
    timeline: {
      kind: 'follow_up_recorded',
      section: 'follow_ups',
      title: clip(followUp.content || 'Follow-up', FOLLOW_UP_TITLE_LENGTH),
      at,
      refId: followUpId,
    },
  };
}

export function followUpUpdated(event: ReceivedEvent): ProjectionChange {
  const { followUp } = event.payload as followUpEventsV1.FollowUpUpdated;
  if (!followUp) throw new InvalidEventError(event.type, 'follow_up is missing');
  const followUpId = refIdOf(event, followUp.id, 'follow_up.id');
  const at = timeOf(event, followUp.occurTime);
  return {
    customerId: customerIdOf(event, followUp.customerId),
    fact: { kind: 'follow_up', refId: followUpId, startedAt: at },
    timelineEdit: {
      kind: 'follow_up_recorded',
      refId: followUpId,
      title: clip(followUp.content || 'Follow-up', FOLLOW_UP_TITLE_LENGTH),
      at,
    },
  };
}

export function followUpDeleted(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as followUpEventsV1.FollowUpDeleted;
  const followUpId = refIdOf(event, payload.followUpId, 'follow_up_id');
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'follow_up', refId: followUpId, endedAt: event.time },
    timelineRemoval: { kind: 'follow_up_recorded', refId: followUpId },
  };
}
