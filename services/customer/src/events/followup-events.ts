import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { Annotation, FollowUp } from '../domain/followup';
import { toProtoAnnotation, toProtoFollowUp } from '../grpc/followup-mapper';

// Follow-up events, written to the outbox in the caller's transaction and published to
// liaison.customer.v1 keyed by the customer id, in order with the customer's own events.

export function followUpRecorded(tx: PoolClient, followUp: FollowUp): Promise<string[]> {
  return outbox.append(tx, [
    { type: EventTypes.FollowUpRecorded, aggregateId: followUp.customerId, payload: { followUp: toProtoFollowUp(followUp) } },
  ]);
}

export function followUpUpdated(tx: PoolClient, followUp: FollowUp, changedFields: string[]): Promise<string[]> {
  return outbox.append(tx, [
    { type: EventTypes.FollowUpUpdated, aggregateId: followUp.customerId, payload: { followUp: toProtoFollowUp(followUp), changedFields } },
  ]);
}

export function followUpAnnotated(tx: PoolClient, followUp: FollowUp, annotation: Annotation): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.FollowUpAnnotated,
      aggregateId: followUp.customerId,
      payload: {
        followUpId: followUp.id,
        customerId: followUp.customerId,
        repId: followUp.authorId,
        annotation: toProtoAnnotation(annotation),
      },
    },
  ]);
}

export function followUpDeleted(tx: PoolClient, followUp: FollowUp, deletedBy: string): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.FollowUpDeleted,
      aggregateId: followUp.customerId,
      payload: { followUpId: followUp.id, customerId: followUp.customerId, repId: followUp.authorId, deletedBy },
    },
  ]);
}
