// Generated protobuf types and gRPC service definitions (ts-proto), plus the registry of event
// payloads so that producers and consumers agree on CloudEvents types and topics.
export * as commonV1 from './gen/liaison/common/v1/common';
export * as customerV1 from './gen/liaison/customer/v1/customer';
export * as eventsV1 from './gen/liaison/events/v1/customer_events';
export { FieldMask } from './gen/google/protobuf/field_mask';
export * from './event-types';
