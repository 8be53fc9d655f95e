import { alertV1, customerV1 } from '@liaison/contracts';
import type {
  AlertRuleJson,
  CareChannelJson,
  CreateAlertRuleJson,
  CustomerAlertJson,
  ListAlertsJson,
  RuleKindJson,
  UpdateAlertRuleJson,
} from './alert-schemas';
import { CARE_CHANNELS, RULE_KINDS } from './alert-schemas';
import { categoryToProto } from './customer-json';
import type { CategoryJson } from './customer-schemas';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for warnings and care. Protobuf has no null: 0 is no month/day, "" no contact.

const { AlertRuleKind: ProtoRuleKind, AlertKind: ProtoKind, AlertStatus: ProtoStatus, CareChannel: ProtoChannel } = alertV1;
const CATEGORY_NAMES: CategoryJson[] = ['potential', 'intentional', 'key', 'deal', 'invalid', 'shelved'];

const RULE_KIND_TO_PROTO: Record<RuleKindJson, alertV1.AlertRuleKind> = {
  no_contact: ProtoRuleKind.ALERT_RULE_KIND_NO_CONTACT,
  no_order: ProtoRuleKind.ALERT_RULE_KIND_NO_ORDER,
  contact_birthday: ProtoRuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY,
  fixed_date: ProtoRuleKind.ALERT_RULE_KIND_FIXED_DATE,
  deal_anniversary: ProtoRuleKind.ALERT_RULE_KIND_DEAL_ANNIVERSARY,
};

const CHANNEL_TO_PROTO: Record<CareChannelJson, alertV1.CareChannel> = {
  sms: ProtoChannel.CARE_CHANNEL_SMS,
  email: ProtoChannel.CARE_CHANNEL_EMAIL,
};
const channelsToJson = (channels: alertV1.CareChannel[]) => CARE_CHANNELS.filter((name) => channels.includes(CHANNEL_TO_PROTO[name]));

const orNull = (value: string) => (value === '' ? null : value);
const ruleKindToJson = (kind: alertV1.AlertRuleKind) => RULE_KINDS.find((name) => RULE_KIND_TO_PROTO[name] === kind) ?? 'no_contact';
const categoryToJson = (category: customerV1.CustomerCategory) =>
  CATEGORY_NAMES.find((name) => categoryToProto(name) === category) ?? 'potential';

export function ruleToJson(rule: alertV1.AlertRule): AlertRuleJson {
  return {
    id: rule.id,
    name: rule.name,
    kind: ruleKindToJson(rule.kind),
    days: rule.days,
    month: rule.month || null,
    day: rule.day || null,
    categories: rule.categories.map(categoryToJson),
    targetOnly: rule.targetOnly,
    enabled: rule.enabled,
    channels: channelsToJson(rule.channels),
    sendTime: orNull(rule.sendTime),
    message: orNull(rule.message),
    version: rule.version,
    createdAt: rule.audit?.createTime?.toISOString() ?? '',
    createdBy: rule.audit?.createdBy ?? '',
    updatedAt: rule.audit?.updateTime?.toISOString() ?? '',
    updatedBy: rule.audit?.updatedBy ?? '',
  };
}

export function settingsFromJson(body: Omit<UpdateAlertRuleJson, 'version'>): alertV1.AlertRuleSettings {
  return alertV1.AlertRuleSettings.fromPartial({
    name: body.name,
    days: body.days,
    month: body.month ?? 0,
    day: body.day ?? 0,
    categories: (body.categories ?? []).map(categoryToProto),
    targetOnly: body.targetOnly ?? false,
    enabled: body.enabled ?? true,
    channels: (body.channels ?? []).map((channel) => CHANNEL_TO_PROTO[channel]),
    sendTime: body.sendTime ?? '',
    message: body.message ?? '',
  });
}

export function createRequestFromJson(body: CreateAlertRuleJson): alertV1.CreateAlertRuleRequest {
  const { kind, ...settings } = body;
  return { kind: RULE_KIND_TO_PROTO[kind], settings: settingsFromJson(settings) };
}

export function alertToJson(alert: alertV1.CustomerAlert): CustomerAlertJson {
  return {
    id: alert.id,
    kind: alert.kind === ProtoKind.ALERT_KIND_CARE ? 'care' : 'warning',
    ruleId: alert.ruleId,
    ruleName: alert.ruleName,
    ruleKind: ruleKindToJson(alert.ruleKind),
    customerId: alert.customerId,
    customerName: alert.customerName,
    contactId: orNull(alert.contactId),
    contactName: orNull(alert.contactName),
    ownerId: alert.ownerId,
    ownerUnit: orNull(alert.ownerUnit),
    reason: alert.reason,
    dueDate: alert.dueDate,
    days: alert.days,
    status: alert.status === ProtoStatus.ALERT_STATUS_ACKNOWLEDGED ? 'acknowledged' : 'open',
    createdAt: alert.createTime?.toISOString() ?? '',
    acknowledgedAt: alert.acknowledgeTime?.toISOString() ?? null,
    acknowledgedBy: orNull(alert.acknowledgedBy),
    delivery: alert.delivery ? deliveryToJson(alert.delivery) : null,
  };
}

function deliveryToJson(delivery: alertV1.CareDelivery): NonNullable<CustomerAlertJson['delivery']> {
  return {
    channels: channelsToJson(delivery.channels),
    undeliverableChannels: channelsToJson(delivery.undeliverableChannels),
    sendAt: delivery.sendTime?.toISOString() ?? '',
    recipientContactId: orNull(delivery.recipientContactId),
    recipientName: delivery.recipientName,
    phone: orNull(delivery.phone),
    email: orNull(delivery.email),
    message: delivery.message,
  };
}

export function listRequestFromQuery(query: ListAlertsJson): alertV1.ListAlertsRequest {
  return alertV1.ListAlertsRequest.fromPartial({
    page: pageFromQuery(query),
    kind:
      query.kind === 'care'
        ? ProtoKind.ALERT_KIND_CARE
        : query.kind === 'warning'
          ? ProtoKind.ALERT_KIND_WARNING
          : ProtoKind.ALERT_KIND_UNSPECIFIED,
    status:
      query.status === 'open'
        ? ProtoStatus.ALERT_STATUS_OPEN
        : query.status === 'acknowledged'
          ? ProtoStatus.ALERT_STATUS_ACKNOWLEDGED
          : ProtoStatus.ALERT_STATUS_UNSPECIFIED,
    ruleId: query.ruleId ?? '',
    customerId: query.customerId ?? '',
  });
}
