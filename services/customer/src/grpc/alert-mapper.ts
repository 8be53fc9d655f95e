import { alertV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import {
  reasonOf,
  type Alert,
  type AlertKind,
  type AlertRule,
  type AlertRuleKind,
  type AlertRuleSettings,
  type AlertStatus,
  type CareChannel,
  type CareDelivery,
} from '../domain/alert';
import { categoriesFromProto } from './assignment-mapper';
import { categoryToProto } from './customer-mapper';

// Alert rules and alerts between the domain and protobuf, shared by the handlers and the event
// payloads. Protobuf has no null: 0 is no month/day, "" no contact, send time or message.

const { AlertRuleKind: ProtoRuleKind, AlertKind: ProtoKind, AlertStatus: ProtoStatus, CareChannel: ProtoChannel } = alertV1;

const RULE_KIND_TO_PROTO: Record<AlertRuleKind, alertV1.AlertRuleKind> = {
  no_contact: ProtoRuleKind.ALERT_RULE_KIND_NO_CONTACT,
  no_order: ProtoRuleKind.ALERT_RULE_KIND_NO_ORDER,
  contact_birthday: ProtoRuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY,
  fixed_date: ProtoRuleKind.ALERT_RULE_KIND_FIXED_DATE,
  deal_anniversary: ProtoRuleKind.ALERT_RULE_KIND_DEAL_ANNIVERSARY,
};

const KIND_TO_PROTO: Record<AlertKind, alertV1.AlertKind> = { warning: ProtoKind.ALERT_KIND_WARNING, care: ProtoKind.ALERT_KIND_CARE };
const STATUS_TO_PROTO: Record<AlertStatus, alertV1.AlertStatus> = {
  open: ProtoStatus.ALERT_STATUS_OPEN,
  acknowledged: ProtoStatus.ALERT_STATUS_ACKNOWLEDGED,
};
const CHANNEL_TO_PROTO: Record<CareChannel, alertV1.CareChannel> = {
  sms: ProtoChannel.CARE_CHANNEL_SMS,
  email: ProtoChannel.CARE_CHANNEL_EMAIL,
};
const channelsToProto = (channels: CareChannel[]) => channels.map((channel) => CHANNEL_TO_PROTO[channel]);

function keyOf<T extends string, P>(table: Record<T, P>, value: P): T | undefined {
  return (Object.keys(table) as T[]).find((key) => table[key] === value);
}

/** undefined for UNSPECIFIED or unknown values: the domain's validation names the field. */
export function ruleKindFromProto(kind: alertV1.AlertRuleKind): AlertRuleKind | undefined {
  return keyOf(RULE_KIND_TO_PROTO, kind);
}

/** UNSPECIFIED = no filter; an unknown value is refused. */
export function optionalFromProto<T extends string, P extends number>(table: Record<T, P>, value: P, field: string): T | undefined {
  if (value === 0) return undefined;
  const key = keyOf(table, value);
  if (!key) throw AppError.invalid(`unknown ${field}`, [{ field, message: 'is not a known value' }]);
  return key;
}

export const alertKindFromProto = (kind: alertV1.AlertKind) => optionalFromProto(KIND_TO_PROTO, kind, 'kind');
export const alertStatusFromProto = (status: alertV1.AlertStatus) => optionalFromProto(STATUS_TO_PROTO, status, 'status');

export function settingsFromProto(settings: alertV1.AlertRuleSettings | undefined): AlertRuleSettings {
  const message = settings ?? alertV1.AlertRuleSettings.fromPartial({});
  return {
    name: message.name,
    days: message.days,
    month: message.month || null,
    day: message.day || null,
    categories: categoriesFromProto(message.categories, 'settings.categories'),
    targetOnly: message.targetOnly,
    enabled: message.enabled,
    // An unknown channel passes as its number, for the domain to name it among the violations.
    channels: message.channels.map((channel) => keyOf(CHANNEL_TO_PROTO, channel) ?? (String(channel) as CareChannel)),
    sendTime: message.sendTime || null,
    message: message.message || null,
  };
}

export function toProtoAlertRule(rule: AlertRule): alertV1.AlertRule {
  return alertV1.AlertRule.fromPartial({
    id: rule.id,
    name: rule.name,
    kind: RULE_KIND_TO_PROTO[rule.kind],
    days: rule.days,
    month: rule.month ?? 0,
    day: rule.day ?? 0,
    categories: rule.categories.map(categoryToProto),
    targetOnly: rule.targetOnly,
    enabled: rule.enabled,
    version: rule.version,
    channels: channelsToProto(rule.channels),
    sendTime: rule.sendTime ?? '',
    message: rule.message ?? '',
    audit: { createTime: rule.createdAt, createdBy: rule.createdBy, updateTime: rule.updatedAt, updatedBy: rule.updatedBy },
  });
}

export function toProtoAlert(alert: Alert): alertV1.CustomerAlert {
  return alertV1.CustomerAlert.fromPartial({
    id: alert.id,
    kind: KIND_TO_PROTO[alert.kind],
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    ruleKind: RULE_KIND_TO_PROTO[alert.ruleKind],
    customerId: alert.customerId,
    customerName: alert.customerName,
    contactId: alert.contactId ?? '',
    contactName: alert.contactName ?? '',
    ownerId: alert.ownerId,
    ownerUnit: alert.ownerUnit ?? '',
    reason: reasonOf(alert),
    dueDate: alert.dueDate,
    days: alert.days,
    status: STATUS_TO_PROTO[alert.status],
    createTime: alert.createdAt,
    acknowledgeTime: alert.acknowledgedAt ?? undefined,
    acknowledgedBy: alert.acknowledgedBy ?? '',
    delivery: alert.delivery ? toProtoDelivery(alert.delivery) : undefined,
  });
}

function toProtoDelivery(delivery: CareDelivery): alertV1.CareDelivery {
  return {
    channels: channelsToProto(delivery.channels),
    undeliverableChannels: channelsToProto(delivery.undeliverableChannels),
    sendTime: delivery.sendAt,
    recipientContactId: delivery.recipientContactId ?? '',
    recipientName: delivery.recipientName,
    phone: delivery.phone ?? '',
    email: delivery.email ?? '',
    message: delivery.message,
  };
}
