import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { CreditRiskLowered, CreditRiskRaised, CustomerValueChanged } from './gen/liaison/events/v1/customer_value_events';
import {
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
  sales: 'liaison.sales.v1',
  service: 'liaison.service.v1',
} as const;

export const EventTypes = {
  CustomerValueChanged: eventType(
    'liaison.events.v1.CustomerValueChanged',
    Topics.customer,
    CustomerValueChanged as ProtoCodec<CustomerValueChanged>,
  ),
  CreditRiskRaised: eventType('liaison.events.v1.CreditRiskRaised', Topics.customer, CreditRiskRaised as ProtoCodec<CreditRiskRaised>),
  CreditRiskLowered: eventType('liaison.events.v1.CreditRiskLowered', Topics.customer, CreditRiskLowered as ProtoCodec<CreditRiskLowered>),
  OrderPlaced: eventType('liaison.events.v1.OrderPlaced', Topics.sales, OrderPlaced as ProtoCodec<OrderPlaced>),
  OrderCancelled: eventType('liaison.events.v1.OrderCancelled', Topics.sales, OrderCancelled as ProtoCodec<OrderCancelled>),
  PaymentReceived: eventType('liaison.events.v1.PaymentReceived', Topics.sales, PaymentReceived as ProtoCodec<PaymentReceived>),
  ReceivableBalanceChanged: eventType(
    'liaison.events.v1.ReceivableBalanceChanged',
    Topics.sales,
    ReceivableBalanceChanged as ProtoCodec<ReceivableBalanceChanged>,
  ),
  OpportunityOpened: eventType('liaison.events.v1.OpportunityOpened', Topics.sales, OpportunityOpened as ProtoCodec<OpportunityOpened>),
  OpportunityClosed: eventType('liaison.events.v1.OpportunityClosed', Topics.sales, OpportunityClosed as ProtoCodec<OpportunityClosed>),
  ServiceRequestOpened: eventType(
    'liaison.events.v1.ServiceRequestOpened',
    Topics.service,
    ServiceRequestOpened as ProtoCodec<ServiceRequestOpened>,
  ),
  ServiceRequestClosed: eventType(
    'liaison.events.v1.ServiceRequestClosed',
    Topics.service,
    ServiceRequestClosed as ProtoCodec<ServiceRequestClosed>,
  ),
  CustomerCreated: eventType('liaison.events.v1.CustomerCreated', Topics.customer, CustomerCreated as ProtoCodec<CustomerCreated>),
  CustomerUpdated: eventType('liaison.events.v1.CustomerUpdated', Topics.customer, CustomerUpdated as ProtoCodec<CustomerUpdated>),
  CustomerCategoryChanged: eventType(
    'liaison.events.v1.CustomerCategoryChanged',
    Topics.customer,
    CustomerCategoryChanged as ProtoCodec<CustomerCategoryChanged>,
  ),
  CustomersImported: eventType('liaison.events.v1.CustomersImported', Topics.customer, CustomersImported as ProtoCodec<CustomersImported>),
  CustomerImportFinished: eventType(
    'liaison.events.v1.CustomerImportFinished',
    Topics.customer,
    CustomerImportFinished as ProtoCodec<CustomerImportFinished>,
  ),
  ApprovalRequested: eventType('liaison.events.v1.ApprovalRequested', Topics.customer, ApprovalRequested as ProtoCodec<ApprovalRequested>),
  ApprovalDecided: eventType('liaison.events.v1.ApprovalDecided', Topics.customer, ApprovalDecided as ProtoCodec<ApprovalDecided>),
  ApprovalCompleted: eventType('liaison.events.v1.ApprovalCompleted', Topics.customer, ApprovalCompleted as ProtoCodec<ApprovalCompleted>),
  CustomerClaimed: eventType('liaison.events.v1.CustomerClaimed', Topics.customer, CustomerClaimed as ProtoCodec<CustomerClaimed>),
  CustomerReleased: eventType('liaison.events.v1.CustomerReleased', Topics.customer, CustomerReleased as ProtoCodec<CustomerReleased>),
  CustomerAssigned: eventType('liaison.events.v1.CustomerAssigned', Topics.customer, CustomerAssigned as ProtoCodec<CustomerAssigned>),
  CustomerTransferred: eventType(
    'liaison.events.v1.CustomerTransferred',
    Topics.customer,
    CustomerTransferred as ProtoCodec<CustomerTransferred>,
  ),
  CustomerReturnedToPool: eventType(
    'liaison.events.v1.CustomerReturnedToPool',
    Topics.customer,
    CustomerReturnedToPool as ProtoCodec<CustomerReturnedToPool>,
  ),
  CustomerFollowerAssigned: eventType(
    'liaison.events.v1.CustomerFollowerAssigned',
    Topics.customer,
    CustomerFollowerAssigned as ProtoCodec<CustomerFollowerAssigned>,
  ),
  PoolRuleChanged: eventType('liaison.events.v1.PoolRuleChanged', Topics.customer, PoolRuleChanged as ProtoCodec<PoolRuleChanged>),
  EmployeeHandedOver: eventType(
    'liaison.events.v1.EmployeeHandedOver',
    Topics.customer,
    EmployeeHandedOver as ProtoCodec<EmployeeHandedOver>,
  ),
  TransferSettingsChanged: eventType(
    'liaison.events.v1.TransferSettingsChanged',
    Topics.customer,
    TransferSettingsChanged as ProtoCodec<TransferSettingsChanged>,
  ),
  BaseDataChanged: eventType('liaison.events.v1.BaseDataChanged', Topics.customer, BaseDataChanged as ProtoCodec<BaseDataChanged>),
  CustomFieldDefinitionChanged: eventType(
    'liaison.events.v1.CustomFieldDefinitionChanged',
    Topics.customer,
    CustomFieldDefinitionChanged as ProtoCodec<CustomFieldDefinitionChanged>,
  ),
  ContactCreated: eventType('liaison.events.v1.ContactCreated', Topics.customer, ContactCreated as ProtoCodec<ContactCreated>),
  ContactUpdated: eventType('liaison.events.v1.ContactUpdated', Topics.customer, ContactUpdated as ProtoCodec<ContactUpdated>),
  ContactDeleted: eventType('liaison.events.v1.ContactDeleted', Topics.customer, ContactDeleted as ProtoCodec<ContactDeleted>),
  ContactRelationChanged: eventType(
    'liaison.events.v1.ContactRelationChanged',
    Topics.customer,
    ContactRelationChanged as ProtoCodec<ContactRelationChanged>,
  ),
  FollowUpRecorded: eventType('liaison.events.v1.FollowUpRecorded', Topics.customer, FollowUpRecorded as ProtoCodec<FollowUpRecorded>),
  FollowUpUpdated: eventType('liaison.events.v1.FollowUpUpdated', Topics.customer, FollowUpUpdated as ProtoCodec<FollowUpUpdated>),
  FollowUpAnnotated: eventType('liaison.events.v1.FollowUpAnnotated', Topics.customer, FollowUpAnnotated as ProtoCodec<FollowUpAnnotated>),
  FollowUpDeleted: eventType('liaison.events.v1.FollowUpDeleted', Topics.customer, FollowUpDeleted as ProtoCodec<FollowUpDeleted>),
  CustomersMerged: eventType('liaison.events.v1.CustomersMerged', Topics.customer, CustomersMerged as ProtoCodec<CustomersMerged>),
  CustomerDeleted: eventType('liaison.events.v1.CustomerDeleted', Topics.customer, CustomerDeleted as ProtoCodec<CustomerDeleted>),
  CustomerRestored: eventType('liaison.events.v1.CustomerRestored', Topics.customer, CustomerRestored as ProtoCodec<CustomerRestored>),
  CustomerNotificationRequested: eventType(
    'liaison.events.v1.CustomerNotificationRequested',
    Topics.customer,
    CustomerNotificationRequested as ProtoCodec<CustomerNotificationRequested>,
  ),
  CustomerShared: eventType('liaison.events.v1.CustomerShared', Topics.customer, CustomerShared as ProtoCodec<CustomerShared>),
  CustomerUnshared: eventType('liaison.events.v1.CustomerUnshared', Topics.customer, CustomerUnshared as ProtoCodec<CustomerUnshared>),
  CustomerWarningRaised: eventType(
    'liaison.events.v1.CustomerWarningRaised',
    Topics.customer,
    CustomerWarningRaised as ProtoCodec<CustomerWarningRaised>,
  ),
  CustomerCareDue: eventType('liaison.events.v1.CustomerCareDue', Topics.customer, CustomerCareDue as ProtoCodec<CustomerCareDue>),
  CustomerAlertAcknowledged: eventType(
    'liaison.events.v1.CustomerAlertAcknowledged',
    Topics.customer,
    CustomerAlertAcknowledged as ProtoCodec<CustomerAlertAcknowledged>,
  ),
  CustomerAlertRuleChanged: eventType(
    'liaison.events.v1.CustomerAlertRuleChanged',
    Topics.customer,
    CustomerAlertRuleChanged as ProtoCodec<CustomerAlertRuleChanged>,
  ),
} as const;

const byType = new Map<string, EventType<unknown>>(Object.values(EventTypes).map((t) => [t.type, t as EventType<unknown>]));

/** Looks up a payload codec by its CloudEvents type; undefined for types this build does not know. */
export function eventTypeOf(ceType: string): EventType<unknown> | undefined {
  return byType.get(ceType);
}
