import { customerMaintenanceV1 } from '@liaison/contracts';
import { customerToJson } from './customer-json';
import type { MergeCustomersJson, NotificationJson } from './customer-maintenance-schemas';
import { CUSTOMER_MASK_PATHS } from './customer-json';

// JSON ⇄ protobuf for customer maintenance.

const { DuplicateReason: ProtoReason, CustomerNotificationChannel: ProtoChannel } = customerMaintenanceV1;

const REASONS: Record<number, 'name' | 'phone' | 'email'> = {
  [ProtoReason.DUPLICATE_REASON_NAME]: 'name',
  [ProtoReason.DUPLICATE_REASON_PHONE]: 'phone',
  [ProtoReason.DUPLICATE_REASON_EMAIL]: 'email',
};

const CHANNELS: Record<NotificationJson['channel'], customerMaintenanceV1.CustomerNotificationChannel> = {
  sms: ProtoChannel.CUSTOMER_NOTIFICATION_CHANNEL_SMS,
  email: ProtoChannel.CUSTOMER_NOTIFICATION_CHANNEL_EMAIL,
  system: ProtoChannel.CUSTOMER_NOTIFICATION_CHANNEL_SYSTEM,
};

const reasonsToJson = (reasons: customerMaintenanceV1.DuplicateReason[]) => reasons.map((reason) => REASONS[reason]).filter(Boolean);

export function pairToJson(pair: customerMaintenanceV1.DuplicatePair) {
  return {
    first: customerToJson(pair.first!),
    second: customerToJson(pair.second!),
    reasons: reasonsToJson(pair.reasons),
    score: pair.score,
  };
}

export function candidateToJson(pair: customerMaintenanceV1.DuplicatePair) {
  return { customer: customerToJson(pair.second!), reasons: reasonsToJson(pair.reasons), score: pair.score };
}

export function mergeRequestFromJson(body: MergeCustomersJson): customerMaintenanceV1.MergeCustomersRequest {
  return {
    survivorId: body.survivorId,
    survivorExpectedVersion: body.survivorVersion,
    mergedId: body.mergedId,
    mergedExpectedVersion: body.mergedVersion,
    takeFields: (body.takeFields ?? []).map((field) => CUSTOMER_MASK_PATHS[field]),
    reason: body.reason ?? '',
  };
}

export function deletedCustomerToJson(item: customerMaintenanceV1.DeletedCustomer) {
  return {
    customer: customerToJson(item.customer!),
    deletedAt: item.deleteTime?.toISOString() ?? '',
    deletedBy: item.deletedBy || null,
    reason: item.reason || null,
  };
}

export function notificationRequestFromJson(body: NotificationJson): customerMaintenanceV1.RequestCustomerNotificationRequest {
  return {
    customerIds: body.customerIds,
    channel: CHANNELS[body.channel],
    text: body.text ?? '',
    templateId: body.templateId ?? '',
    subject: body.subject ?? '',
  };
}

export function shareToJson(share: customerMaintenanceV1.CustomerShare) {
  return {
    customerId: share.customerId,
    unit: share.unit,
    sharedAt: share.shareTime?.toISOString() ?? '',
    sharedBy: share.sharedBy || null,
  };
}
