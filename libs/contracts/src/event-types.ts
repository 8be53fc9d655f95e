import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { CustomerCategoryChanged, CustomerCreated, CustomerUpdated } from './gen/liaison/events/v1/customer_events';

/** The encode/decode pair every ts-proto message exposes. */
export interface ProtoCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromPartial(object: Partial<T>): T;
  toJSON(message: T): unknown;
}

export interface EventType<T> {
  /** CloudEvents `ce_type`, the full protobuf message name. */
  type: string;
  /** Kafka topic the event is published to: liaison.<domain>.v1. */
  topic: string;
  codec: ProtoCodec<T>;
}

function eventType<T>(type: string, topic: string, codec: ProtoCodec<T>): EventType<T> {
  return { type, topic, codec };
}

export const Topics = {
  customer: 'liaison.customer.v1',
} as const;

export const EventTypes = {
  CustomerCreated: eventType('liaison.events.v1.CustomerCreated', Topics.customer, CustomerCreated as ProtoCodec<CustomerCreated>),
  CustomerUpdated: eventType('liaison.events.v1.CustomerUpdated', Topics.customer, CustomerUpdated as ProtoCodec<CustomerUpdated>),
  CustomerCategoryChanged: eventType('liaison.events.v1.CustomerCategoryChanged', Topics.customer, CustomerCategoryChanged as ProtoCodec<CustomerCategoryChanged>),
} as const;

const byType = new Map<string, EventType<unknown>>(
  Object.values(EventTypes).map((t) => [t.type, t as EventType<unknown>]),
);

/** Looks up a payload codec by its CloudEvents type; undefined for types this build does not know. */
export function eventTypeOf(ceType: string): EventType<unknown> | undefined {
  return byType.get(ceType);
}
