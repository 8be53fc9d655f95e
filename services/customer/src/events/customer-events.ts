import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { Customer } from '../domain/customer';
import type { Category } from '../domain/lifecycle';
import { categoryToProto, toProtoCustomer } from '../grpc/customer-mapper';

// Domain events of the customer aggregate, written to the outbox in the caller's transaction
// and published by the relay to liaison.customer.v1, keyed by customer id.

export function customerCreated(tx: PoolClient, customer: Customer): Promise<string[]> {
  return outbox.append(tx, [
    { type: EventTypes.CustomerCreated, aggregateId: customer.id, payload: { customer: toProtoCustomer(customer) } },
  ]);
}

export function customerUpdated(tx: PoolClient, customer: Customer, changedFields: string[]): Promise<string[]> {
  return outbox.append(tx, [
    { type: EventTypes.CustomerUpdated, aggregateId: customer.id, payload: { customer: toProtoCustomer(customer), changedFields } },
  ]);
}

export function customerCategoryChanged(tx: PoolClient, customer: Customer, from: Category, reason: string): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerCategoryChanged,
      aggregateId: customer.id,
      payload: { customer: toProtoCustomer(customer), from: categoryToProto(from), to: categoryToProto(customer.category), reason },
    },
  ]);
}
