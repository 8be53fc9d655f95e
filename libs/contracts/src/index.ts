// Generated protobuf types and gRPC service definitions (ts-proto), plus the registry of event
// payloads so that producers and consumers agree on CloudEvents types and topics.
export * as commonV1 from './gen/liaison/common/v1/common';
export * as customerV1 from './gen/liaison/customer/v1/customer';
export * as eventsV1 from './gen/liaison/events/v1/customer_events';
export * as assignmentV1 from './gen/liaison/customer/v1/assignment';
export * as assignmentEventsV1 from './gen/liaison/events/v1/assignment_events';
export * as contactV1 from './gen/liaison/customer/v1/contact';
export * as contactEventsV1 from './gen/liaison/events/v1/contact_events';
export * as followUpV1 from './gen/liaison/customer/v1/followup';
export * as historyV1 from './gen/liaison/customer/v1/history';
export * as followUpEventsV1 from './gen/liaison/events/v1/followup_events';
export * as baseDataV1 from './gen/liaison/customer/v1/base_data';
export * as customFieldV1 from './gen/liaison/customer/v1/custom_field';
export * as baseDataEventsV1 from './gen/liaison/events/v1/base_data_events';
export * as approvalV1 from './gen/liaison/approval/v1/approval';
/** Deprecated: served for one release beside approvalV1 and invalidApplicationV1 (rolling upgrades). */
export * as customerApprovalV1 from './gen/liaison/customer/v1/approval';
export * as invalidApplicationV1 from './gen/liaison/customer/v1/invalid_application';
export * as approvalEventsV1 from './gen/liaison/events/v1/approval_events';
export * as customerViewV1 from './gen/liaison/customer/v1/customer_view';
export * as salesEventsV1 from './gen/liaison/events/v1/sales_events';
export * as serviceEventsV1 from './gen/liaison/events/v1/service_events';
export * as customerValueEventsV1 from './gen/liaison/events/v1/customer_value_events';
export * as customerMaintenanceV1 from './gen/liaison/customer/v1/customer_maintenance';
export * as customerMaintenanceEventsV1 from './gen/liaison/events/v1/customer_maintenance_events';
export * as importExportV1 from './gen/liaison/customer/v1/import_export';
export * as importEventsV1 from './gen/liaison/events/v1/import_events';
export * as alertV1 from './gen/liaison/customer/v1/alert';
export * as alertEventsV1 from './gen/liaison/events/v1/customer_alert_events';
export * as handoverV1 from './gen/liaison/customer/v1/handover';
export * as handoverEventsV1 from './gen/liaison/events/v1/handover_events';
export * as auditEventsV1 from './gen/liaison/events/v1/audit_events';
export * as salesSettingV1 from './gen/liaison/sales/v1/setting';
export * as salesLeadV1 from './gen/liaison/sales/v1/lead';
export { FieldMask } from './gen/google/protobuf/field_mask';
export * from './event-types';
