import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { Customer } from '../domain/customer';
import type { Handover, HandoverMove } from '../domain/handover';
import { toProtoChange } from '../grpc/assignment-mapper';
import { toProtoCustomer } from '../grpc/customer-mapper';

// Events of a handover, in its transaction: per customer the ownership event a transfer emits
// (CustomerTransferred, change kind HANDOVER) or CustomerFollowerAssigned, keyed by customer id;
// then EmployeeHandedOver for the other services, keyed by the handover id.

/** Events per INSERT: a handover of tens of thousands of customers is a few dozen statements. */
const APPEND_BATCH = 500;
/** Customers per EmployeeHandedOver, so that one event stays far below Kafka's message size limit. */
export const HANDED_OVER_PART_SIZE = 1000;

export interface MovedCustomer {
  move: HandoverMove;
  customer: Customer;
  fromUnit: string | null;
  previousFollowerId: string | null;
}

async function appendInBatches<T>(tx: PoolClient, items: T[], toEvents: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += APPEND_BATCH) await toEvents(items.slice(start, start + APPEND_BATCH));
}

/** allRecords: the person's records not tied to a customer move too (see EmployeeHandedOver). */
export async function customersHandedOver(tx: PoolClient, handover: Handover, moved: MovedCustomer[], allRecords: boolean): Promise<void> {
  const owned = moved.filter(({ move }) => move.owned);
  const followed = moved.filter(({ move }) => !move.owned);
  await appendInBatches(tx, owned, (batch) =>
    outbox.append(
      tx,
      batch.map(({ customer, fromUnit }) => ({
        type: EventTypes.CustomerTransferred,
        aggregateId: customer.id,
        payload: {
          change: toProtoChange({
            customerId: customer.id,
            kind: 'handover',
            from: { ownerId: handover.fromUserId, ownerUnit: fromUnit },
            to: { ownerId: customer.ownerId, ownerUnit: customer.ownerUnit },
            reason: handover.reason,
            actorId: handover.actorId,
            changedAt: handover.createdAt,
          }),
          customer: toProtoCustomer(customer),
          followerId: '',
        },
      })),
    ),
  );
  await appendInBatches(tx, followed, (batch) =>
    outbox.append(
      tx,
      batch.map(({ customer, move, previousFollowerId }) => {
        const successor = handover.successors[move.successor];
        const follows = customer.ownerId !== successor.userId;
        return {
          type: EventTypes.CustomerFollowerAssigned,
          aggregateId: customer.id,
          payload: {
            customerId: customer.id,
            followerId: follows ? successor.userId : '',
            followerUnit: follows ? successor.unit : '',
            previousFollowerId: previousFollowerId ?? '',
            actorId: handover.actorId,
          },
        };
      }),
    ),
  );
  await employeeHandedOver(
    tx,
    handover,
    moved.map(({ move }) => move),
    allRecords,
  );
}

async function employeeHandedOver(tx: PoolClient, handover: Handover, moves: HandoverMove[], allRecords: boolean): Promise<void> {
  const parts = Math.max(1, Math.ceil(moves.length / HANDED_OVER_PART_SIZE));
  const successors = handover.successors.map((s) => ({
    userId: s.userId,
    unit: s.unit,
    customerCount: s.customerCount,
    followedCount: s.followedCount,
  }));
  const events = [];
  for (let part = 0; part < parts; part += 1) {
    const slice = moves.slice(part * HANDED_OVER_PART_SIZE, (part + 1) * HANDED_OVER_PART_SIZE);
    events.push({
      type: EventTypes.EmployeeHandedOver,
      aggregateId: handover.id,
      payload: {
        handoverId: handover.id,
        fromUserId: handover.fromUserId,
        successors,
        rewriteCreator: handover.rewriteCreator,
        allRecords,
        reason: handover.reason,
        actorId: handover.actorId,
        part: part + 1,
        parts,
        moved: movedPerSuccessor(handover, slice),
      },
    });
  }
  await appendInBatches(tx, events, (batch) => outbox.append(tx, batch));
}

function movedPerSuccessor(handover: Handover, moves: HandoverMove[]) {
  return handover.successors
    .map((successor, index) => ({
      successorId: successor.userId,
      successorUnit: successor.unit,
      customerIds: moves.filter((move) => move.successor === index && move.owned).map((move) => move.customerId),
      followedCustomerIds: moves.filter((move) => move.successor === index && !move.owned).map((move) => move.customerId),
    }))
    .filter((entry) => entry.customerIds.length + entry.followedCustomerIds.length > 0);
}
