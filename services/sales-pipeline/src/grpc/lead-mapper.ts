import { salesLeadV1 } from '@liaison/contracts';
import type { DisqualifyReason, Lead, LeadStatus } from '../domain/lead';
import type { AssignmentRule, RuleFields } from '../domain/lead-assignment';
import type { LeadDuplicate } from '../domain/lead-service';

// Leads between the domain and protobuf: enums by explicit tables, so that renumbering or
// adding a proto value can never shift a meaning.

const { LeadStatus: ProtoStatus, DisqualifyReason: ProtoReason } = salesLeadV1;

const STATUS_TO_PROTO: Record<LeadStatus, salesLeadV1.LeadStatus> = {
  new: ProtoStatus.LEAD_STATUS_NEW,
  contacted: ProtoStatus.LEAD_STATUS_CONTACTED,
  qualified: ProtoStatus.LEAD_STATUS_QUALIFIED,
  disqualified: ProtoStatus.LEAD_STATUS_DISQUALIFIED,
  converted: ProtoStatus.LEAD_STATUS_CONVERTED,
};

const REASON_TO_PROTO: Record<DisqualifyReason, salesLeadV1.DisqualifyReason> = {
  invalid_contact: ProtoReason.DISQUALIFY_REASON_INVALID_CONTACT,
  no_need: ProtoReason.DISQUALIFY_REASON_NO_NEED,
  no_budget: ProtoReason.DISQUALIFY_REASON_NO_BUDGET,
  chose_competitor: ProtoReason.DISQUALIFY_REASON_CHOSE_COMPETITOR,
  duplicate: ProtoReason.DISQUALIFY_REASON_DUPLICATE,
  other: ProtoReason.DISQUALIFY_REASON_OTHER,
};

const invert = <K extends string, V>(table: Record<K, V>) =>
  new Map((Object.entries(table) as [K, V][]).map(([key, value]) => [value, key]));
const STATUS_FROM_PROTO = invert(STATUS_TO_PROTO);
const REASON_FROM_PROTO = invert(REASON_TO_PROTO);

/** The domain status of a proto value; undefined for UNSPECIFIED and unknown numbers. */
export const fromProtoStatus = (status: salesLeadV1.LeadStatus): LeadStatus | undefined => STATUS_FROM_PROTO.get(status);

/** The domain reason; null for UNSPECIFIED (no reason given). Unknown numbers are refused by the caller. */
export function fromProtoReason(reason: salesLeadV1.DisqualifyReason): DisqualifyReason | null | undefined {
  return reason === ProtoReason.DISQUALIFY_REASON_UNSPECIFIED ? null : REASON_FROM_PROTO.get(reason);
}

export function toProtoLead(lead: Lead): salesLeadV1.Lead {
  return salesLeadV1.Lead.fromPartial({
    id: lead.id,
    contactName: lead.contactName,
    companyName: lead.companyName,
    phone: lead.phone,
    email: lead.email,
    source: lead.source,
    province: lead.province,
    city: lead.city,
    description: lead.description,
    status: STATUS_TO_PROTO[lead.status],
    disqualifyReason: lead.disqualifyReason ? REASON_TO_PROTO[lead.disqualifyReason] : ProtoReason.DISQUALIFY_REASON_UNSPECIFIED,
    statusNote: lead.statusNote,
    ownerId: lead.ownerId ?? '',
    ownerUnit: lead.ownerUnit ?? '',
    assignedByRuleId: lead.assignedByRuleId ?? '',
    formId: lead.formId ?? '',
    version: lead.version,
    audit: { createTime: lead.createdAt, createdBy: lead.createdBy, updateTime: lead.updatedAt, updatedBy: lead.updatedBy },
  });
}

/** The editable fields of a proto lead (absent ones empty). */
export function leadFieldsOf(lead: salesLeadV1.Lead | undefined) {
  return {
    contactName: lead?.contactName ?? '',
    companyName: lead?.companyName ?? '',
    phone: lead?.phone ?? '',
    email: lead?.email ?? '',
    source: lead?.source ?? '',
    province: lead?.province ?? '',
    city: lead?.city ?? '',
    description: lead?.description ?? '',
  };
}

export function toProtoRule(rule: AssignmentRule): salesLeadV1.LeadAssignmentRule {
  return salesLeadV1.LeadAssignmentRule.fromPartial({
    id: rule.id,
    name: rule.name,
    priority: rule.priority,
    sources: rule.sources,
    provinces: rule.provinces,
    unit: rule.unit,
    members: rule.members,
    enabled: rule.enabled,
    version: rule.version,
    audit: { createTime: rule.createdAt, createdBy: rule.createdBy, updateTime: rule.updatedAt, updatedBy: rule.updatedBy },
  });
}

/** The fields of a proto rule (absent ones empty). */
export function ruleFieldsOf(rule: salesLeadV1.LeadAssignmentRule | undefined): RuleFields {
  return {
    name: rule?.name ?? '',
    priority: rule?.priority ?? 0,
    sources: rule?.sources ?? [],
    provinces: rule?.provinces ?? [],
    unit: rule?.unit ?? '',
    members: rule?.members ?? [],
    enabled: rule?.enabled ?? false,
  };
}

const DUPLICATE_REASONS = {
  name: salesLeadV1.DuplicateReason.DUPLICATE_REASON_NAME,
  phone: salesLeadV1.DuplicateReason.DUPLICATE_REASON_PHONE,
  email: salesLeadV1.DuplicateReason.DUPLICATE_REASON_EMAIL,
} as const;

export function toProtoDuplicate(duplicate: LeadDuplicate): salesLeadV1.LeadDuplicate {
  return {
    leadId: duplicate.id,
    contactName: duplicate.contactName,
    companyName: duplicate.companyName,
    status: STATUS_TO_PROTO[duplicate.status],
    ownerUnit: duplicate.ownerUnit ?? '',
    reasons: duplicate.reasons.map((reason) => DUPLICATE_REASONS[reason]),
    visible: duplicate.visible,
  };
}
