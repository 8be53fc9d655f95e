import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { CreditRiskLowered, CreditRiskRaised, CustomerValueChanged } from './gen/liaison/events/v1/customer_value_events';
import {
  LeadAssigned,
  LeadCreated,
  LeadStatusChanged,
  LeadUpdated,
  OpportunityClosed,
  OpportunityOpened,
  OrderCancelled,
  OrderPlaced,
  PaymentReceived,
  ReceivableBalanceChanged,
} from './gen/liaison/events/v1/sales_events';
import { ServiceRequestClosed, ServiceRequestOpened } from './gen/liaison/events/v1/service_events';
import { FollowUpAnnotated, FollowUpDeleted, FollowUpRecorded, FollowUpUpdated } from './gen/liaison/events/v1/followup_events';
import { CustomerCategoryChanged, CustomerCreated, CustomerUpdated } from './gen/liaison/events/v1/customer_events';
import { CustomerImportFinished, CustomersImported } from './gen/liaison/events/v1/import_events';
import { ApprovalCompleted, ApprovalDecided, ApprovalRequested } from './gen/liaison/events/v1/approval_events';
import {
  CustomerAssigned,
  CustomerClaimed,
  CustomerFollowerAssigned,
  CustomerReleased,
  CustomerReturnedToPool,
  CustomerTransferred,
  PoolRuleChanged,
} from './gen/liaison/events/v1/assignment_events';
import { EmployeeHandedOver, TransferSettingsChanged } from './gen/liaison/events/v1/handover_events';
import { BaseDataChanged, CustomFieldDefinitionChanged } from './gen/liaison/events/v1/base_data_events';
import { ContactCreated, ContactDeleted, ContactRelationChanged, ContactUpdated } from './gen/liaison/events/v1/contact_events';
import {
  CustomerDeleted,
  CustomerNotificationRequested,
  CustomerRestored,
  CustomersMerged,
  CustomerShared,
  CustomerUnshared,
} from './gen/liaison/events/v1/customer_maintenance_events';
import {
  CustomerAlertAcknowledged,
  CustomerAlertRuleChanged,
  CustomerCareDue,
  CustomerWarningRaised,
} from './gen/liaison/events/v1/customer_alert_events';
import { AuditRecorded } from './gen/liaison/events/v1/audit_events';

/** The encode/decode pair every ts-proto message exposes. */
export interface ProtoCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromPartial(object: Partial<T>): T;
  toJSON(message: T): unknown;
}

/**
 * An event payload: its CloudEvents `ce_type` (the full protobuf message name) and codec. The
 * topic is not the type's: an event goes to the topic of the service that publishes it
 * (createOutbox in libs/events), so an ApprovalRequested of the sales pipeline lands on
 * liaison.sales.v1 and one of the customer service on liaison.customer.v1.
 */
export interface EventType<T> {
  type: string;
  codec: ProtoCodec<T>;
}

/** The topic of each domain, published to by the service that owns the domain. */
export const Topics = {
  customer: 'liaison.customer.v1',
  sales: 'liaison.sales.v1',
  service: 'liaison.service.v1',
  /** The public API's audit trail, published by the gateway. */
  audit: 'liaison.audit.v1',
} as const;

const EVENTS_PACKAGE = 'liaison.events.v1';

type PayloadOf<C> = C extends { decode(input: Uint8Array): infer T } ? T : never;

/** Event types named by their message: `{ CustomerCreated }` → `liaison.events.v1.CustomerCreated`. */
function eventTypes<M extends Record<string, { decode(input: Uint8Array): unknown }>>(
  codecs: M,
): { [K in keyof M]: EventType<PayloadOf<M[K]>> } {
  const entries = Object.entries(codecs).map(([name, codec]) => [name, { type: `${EVENTS_PACKAGE}.${name}`, codec }]);
  return Object.fromEntries(entries) as { [K in keyof M]: EventType<PayloadOf<M[K]>> };
}

export const EventTypes = eventTypes({
  AuditRecorded,
  CustomerValueChanged,
  CreditRiskRaised,
  CreditRiskLowered,
  OrderPlaced,
  OrderCancelled,
  PaymentReceived,
  ReceivableBalanceChanged,
  OpportunityOpened,
  OpportunityClosed,
  LeadCreated,
  LeadUpdated,
  LeadStatusChanged,
  LeadAssigned,
  ServiceRequestOpened,
  ServiceRequestClosed,
  CustomerCreated,
  CustomerUpdated,
  CustomerCategoryChanged,
  CustomersImported,
  CustomerImportFinished,
  ApprovalRequested,
  ApprovalDecided,
  ApprovalCompleted,
  CustomerClaimed,
  CustomerReleased,
  CustomerAssigned,
  CustomerTransferred,
  CustomerReturnedToPool,
  CustomerFollowerAssigned,
  PoolRuleChanged,
  EmployeeHandedOver,
  TransferSettingsChanged,
  BaseDataChanged,
  CustomFieldDefinitionChanged,
  ContactCreated,
  ContactUpdated,
  ContactDeleted,
  ContactRelationChanged,
  FollowUpRecorded,
  FollowUpUpdated,
  FollowUpAnnotated,
  FollowUpDeleted,
  CustomersMerged,
  CustomerDeleted,
  CustomerRestored,
  CustomerNotificationRequested,
  CustomerShared,
  CustomerUnshared,
  CustomerWarningRaised,
  CustomerCareDue,
  CustomerAlertAcknowledged,
  CustomerAlertRuleChanged,
});

const byType = new Map<string, EventType<unknown>>(Object.values(EventTypes).map((t) => [t.type, t as EventType<unknown>]));

/** Looks up a payload codec by its CloudEvents type; undefined for types this build does not know. */
export function eventTypeOf(ceType: string): EventType<unknown> | undefined {
  return byType.get(ceType);
}
