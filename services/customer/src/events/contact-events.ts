import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { Contact } from '../domain/contact';
import type { ContactRelation } from '../domain/contact-relations';
import { toProtoContact, toProtoRelation } from '../grpc/contact-mapper';

// Contact events, written to the outbox in the caller's transaction. The key is the customer id,
// so that they stay in order with the customer's own events; the subject names the contact.

export function contactCreated(tx: PoolClient, contact: Contact): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.ContactCreated,
      aggregateId: contact.customerId,
      subject: contact.id,
      payload: { contact: toProtoContact(contact) },
    },
  ]);
}

/** One ContactUpdated per changed contact, in the order given. */
export function contactsUpdated(tx: PoolClient, changes: { contact: Contact; changedFields: string[] }[]): Promise<string[]> {
  return outbox.append(
    tx,
    changes.map(({ contact, changedFields }) => ({
      type: EventTypes.ContactUpdated,
      aggregateId: contact.customerId,
      subject: contact.id,
      payload: { contact: toProtoContact(contact), changedFields },
    })),
  );
}

export function contactDeleted(tx: PoolClient, contact: Contact, removedRelations: ContactRelation[]): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.ContactDeleted,
      aggregateId: contact.customerId,
      subject: contact.id,
      payload: { contact: toProtoContact(contact), removedRelations: removedRelations.map(toProtoRelation) },
    },
  ]);
}

/** `relation` null = removed, `previous` null = new. */
export function contactRelationChanged(
  tx: PoolClient,
  customerId: string,
  relation: ContactRelation | null,
  previous: ContactRelation | null,
): Promise<string[]> {
  const subject = (relation ?? previous)!.fromContactId;
  return outbox.append(tx, [
    {
      type: EventTypes.ContactRelationChanged,
      aggregateId: customerId,
      subject,
      payload: {
        customerId,
        relation: relation ? toProtoRelation(relation) : undefined,
        previous: previous ? toProtoRelation(previous) : undefined,
      },
    },
  ]);
}
