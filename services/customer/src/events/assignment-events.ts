import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { FollowerRef, OwnershipChange, PoolRule, TransferSettings } from '../domain/assignment';
import type { Customer } from '../domain/customer';
import { toProtoChange, toProtoRule, toProtoTransferSettings } from '../grpc/assignment-mapper';
import { toProtoCustomer } from '../grpc/customer-mapper';

// Ownership events, written to the outbox in the transaction of the change and published to
// liaison.customer.v1 keyed by customer id: one event type per kind of change.

export interface ChangedCustomer {
  change: OwnershipChange;
  customer: Customer;
}

const OWNERSHIP_EVENTS = {
  claim: EventTypes.CustomerClaimed,
  release: EventTypes.CustomerReleased,
  assign: EventTypes.CustomerAssigned,
  transfer: EventTypes.CustomerTransferred,
  return_to_pool: EventTypes.CustomerReturnedToPool,
  // A handover is a transfer to consumers; the change's kind tells them apart.
  handover: EventTypes.CustomerTransferred,
} as const;

type EventfulKind = keyof typeof OWNERSHIP_EVENTS;

/** Extra payload fields of the transfer and return-to-pool events. */
export interface OwnershipEventExtras {
  followerId?: string;
  daysWithoutContact?: number;
}

export function ownershipChanged(
  tx: PoolClient,
  kind: EventfulKind,
  changed: ChangedCustomer[],
  extras: OwnershipEventExtras = {},
): Promise<string[]> {
  return outbox.append(
    tx,
    changed.map(({ change, customer }) => ({
      type: OWNERSHIP_EVENTS[kind],
      aggregateId: customer.id,
      payload: { change: toProtoChange(change), customer: toProtoCustomer(customer), ...extras },
    })),
  );
}

export function followerAssigned(
  tx: PoolClient,
  customerId: string,
  follower: FollowerRef,
  previous: FollowerRef | null,
  actorId: string,
): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerFollowerAssigned,
      aggregateId: customerId,
      payload: { customerId, followerId: follower.id, followerUnit: follower.unit ?? '', previousFollowerId: previous?.id ?? '', actorId },
    },
  ]);
}

export const POOL_RULE_EVENT_KEY = 'pool-rule';

export function poolRuleChanged(tx: PoolClient, rule: PoolRule): Promise<string[]> {
  return outbox.append(tx, [{ type: EventTypes.PoolRuleChanged, aggregateId: POOL_RULE_EVENT_KEY, payload: { rule: toProtoRule(rule) } }]);
}

export const TRANSFER_SETTINGS_EVENT_KEY = 'transfer-settings';

export function transferSettingsChanged(tx: PoolClient, settings: TransferSettings): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.TransferSettingsChanged,
      aggregateId: TRANSFER_SETTINGS_EVENT_KEY,
      payload: { settings: toProtoTransferSettings(settings) },
    },
  ]);
}
