import { EventTypes, customerMaintenanceV1 } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { NotificationChannel, NotificationRequest } from '../domain/bulk-notification';
import type { Customer } from '../domain/customer';
import { toProtoCustomer } from '../grpc/customer-mapper';

// Events of the maintenance use cases, written to the outbox in the caller's transaction and
// published to liaison.customer.v1.

const { CustomerNotificationChannel: Channel } = customerMaintenanceV1;

export const CHANNEL_TO_PROTO: Record<NotificationChannel, customerMaintenanceV1.CustomerNotificationChannel> = {
  sms: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SMS,
  email: Channel.CUSTOMER_NOTIFICATION_CHANNEL_EMAIL,
  system: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SYSTEM,
};

export interface MergeFacts {
  survivor: Customer;
  mergedId: string;
  takenFields: string[];
  mergedBy: string;
  reason: string | null;
}

/** Keyed by the merged customer: its last event, after everything that happened to it. */
export function customersMerged(tx: PoolClient, merge: MergeFacts): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomersMerged,
      aggregateId: merge.mergedId,
      payload: {
        survivorId: merge.survivor.id,
        mergedId: merge.mergedId,
        survivor: toProtoCustomer(merge.survivor),
        takenFields: merge.takenFields,
        mergedBy: merge.mergedBy,
        reason: merge.reason ?? '',
      },
    },
  ]);
}

export function customersDeleted(tx: PoolClient, customers: Customer[], deletedBy: string, reason: string | null): Promise<string[]> {
  return outbox.append(
    tx,
    customers.map((customer) => ({
      type: EventTypes.CustomerDeleted,
      aggregateId: customer.id,
      payload: { customer: toProtoCustomer(customer), deletedBy, reason: reason ?? '' },
    })),
  );
}

export function customersRestored(tx: PoolClient, customers: Customer[], restoredBy: string): Promise<string[]> {
  return outbox.append(
    tx,
    customers.map((customer) => ({
      type: EventTypes.CustomerRestored,
      aggregateId: customer.id,
      payload: { customer: toProtoCustomer(customer), restoredBy },
    })),
  );
}

/** One event for the whole request, keyed by its id: it concerns many customers at once. */
export function customerNotificationRequested(
  tx: PoolClient,
  notificationId: string,
  request: NotificationRequest,
  requestedBy: string,
): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerNotificationRequested,
      aggregateId: notificationId,
      payload: {
        notificationId,
        customerIds: request.customerIds,
        channel: CHANNEL_TO_PROTO[request.channel],
        templateId: request.templateId ?? '',
        text: request.text ?? '',
        subject: request.subject ?? '',
        requestedBy,
      },
    },
  ]);
}

export function customerShared(tx: PoolClient, customerId: string, unit: string, sharedBy: string): Promise<string[]> {
  return outbox.append(tx, [{ type: EventTypes.CustomerShared, aggregateId: customerId, payload: { customerId, unit, sharedBy } }]);
}

export function customerUnshared(tx: PoolClient, customerId: string, unit: string, unsharedBy: string): Promise<string[]> {
  return outbox.append(tx, [{ type: EventTypes.CustomerUnshared, aggregateId: customerId, payload: { customerId, unit, unsharedBy } }]);
}
