import { salesLeadV1 } from '@liaison/contracts';
import type { FieldNames } from '../http/field-names';
import { pageFromQuery } from '../http/paging';
import {
  DISQUALIFY_REASONS,
  LEAD_STATUSES,
  type ChangeLeadStatusJson,
  type CreateLeadAssignmentRuleJson,
  type CreateLeadJson,
  type LeadAssignmentRuleJson,
  type LeadDuplicateListJson,
  type UpdateLeadAssignmentRuleJson,
  type LeadJson,
  type ListLeadsJson,
  type UpdateLeadJson,
} from './lead-schemas';

// JSON ⇄ protobuf for leads. Protobuf has no null: an empty string is an absent value, null in
// JSON; enums map by name (new ⇄ LEAD_STATUS_NEW).

type StatusJson = (typeof LEAD_STATUSES)[number];
type ReasonJson = (typeof DISQUALIFY_REASONS)[number];

const statusToProto = (status: StatusJson) =>
  salesLeadV1.LeadStatus[`LEAD_STATUS_${status.toUpperCase()}` as keyof typeof salesLeadV1.LeadStatus];
const reasonToProto = (reason: ReasonJson) =>
  salesLeadV1.DisqualifyReason[`DISQUALIFY_REASON_${reason.toUpperCase()}` as keyof typeof salesLeadV1.DisqualifyReason];
const STATUS_JSON = new Map(LEAD_STATUSES.map((status) => [statusToProto(status), status]));
const REASON_JSON = new Map(DISQUALIFY_REASONS.map((reason) => [reasonToProto(reason), reason]));

/** The service's violations name lead.<field>; the JSON body is the lead itself. */
export const LEAD_FIELD_NAMES: FieldNames = { lead: '' };
/** The list's query parameters by their protobuf names. */
export const LIST_FIELD_NAMES: FieldNames = { statuses: 'status', textContains: 'q' };

const text = (value: string) => value || null;

export function leadToJson(lead: salesLeadV1.Lead): LeadJson {
  return {
    id: lead.id,
    contactName: lead.contactName,
    companyName: text(lead.companyName),
    phone: text(lead.phone),
    email: text(lead.email),
    source: text(lead.source),
    province: text(lead.province),
    city: text(lead.city),
    description: text(lead.description),
    status: STATUS_JSON.get(lead.status) ?? 'new',
    disqualifyReason: REASON_JSON.get(lead.disqualifyReason) ?? null,
    statusNote: text(lead.statusNote),
    ownerId: text(lead.ownerId),
    ownerUnit: text(lead.ownerUnit),
    assignedByRuleId: text(lead.assignedByRuleId),
    version: lead.version,
    createdAt: lead.audit!.createTime!.toISOString(),
    createdBy: lead.audit!.createdBy,
    updatedAt: lead.audit!.updateTime!.toISOString(),
    updatedBy: lead.audit!.updatedBy,
  };
}

type Fields = Omit<UpdateLeadJson, 'version'>;

// camelCase body field → update_mask path.
const MASK_PATHS: Readonly<Record<keyof Fields, string>> = {
  contactName: 'contact_name',
  companyName: 'company_name',
  phone: 'phone',
  email: 'email',
  source: 'source',
  province: 'province',
  city: 'city',
  description: 'description',
};

function fieldsToProto(body: Fields): salesLeadV1.Lead {
  const fields = Object.fromEntries(Object.keys(MASK_PATHS).map((field) => [field, body[field as keyof Fields] ?? '']));
  return salesLeadV1.Lead.fromPartial(fields as Partial<salesLeadV1.Lead>);
}

export function createRequestFromJson(body: CreateLeadJson): salesLeadV1.CreateLeadRequest {
  const { assignByRules, allowDuplicate, ...fields } = body;
  return { lead: fieldsToProto(fields), assignByRules: assignByRules ?? false, allowDuplicate: allowDuplicate ?? false };
}

const REASON_NAMES = {
  [salesLeadV1.DuplicateReason.DUPLICATE_REASON_NAME]: 'name',
  [salesLeadV1.DuplicateReason.DUPLICATE_REASON_PHONE]: 'phone',
  [salesLeadV1.DuplicateReason.DUPLICATE_REASON_EMAIL]: 'email',
} as Record<number, 'name' | 'phone' | 'email'>;

export function duplicatesToJson(duplicates: salesLeadV1.LeadDuplicate[]): LeadDuplicateListJson {
  return {
    items: duplicates.map((duplicate) => ({
      leadId: text(duplicate.leadId),
      contactName: text(duplicate.contactName),
      companyName: text(duplicate.companyName),
      status: STATUS_JSON.get(duplicate.status) ?? 'new',
      ownerUnit: text(duplicate.ownerUnit),
      reasons: duplicate.reasons.map((reason) => REASON_NAMES[reason]).filter(Boolean),
      visible: duplicate.visible,
    })),
  };
}

export function updateRequestFromJson(id: string, expectedVersion: number, body: Fields): salesLeadV1.UpdateLeadRequest {
  const updateMask = (Object.keys(MASK_PATHS) as (keyof Fields)[]).filter((field) => field in body).map((field) => MASK_PATHS[field]);
  return { id, expectedVersion, updateMask, lead: fieldsToProto(body) };
}

export function statusRequestFromJson(
  id: string,
  expectedVersion: number,
  body: ChangeLeadStatusJson,
): salesLeadV1.ChangeLeadStatusRequest {
  return {
    id,
    expectedVersion,
    status: statusToProto(body.status),
    disqualifyReason: body.disqualifyReason
      ? reasonToProto(body.disqualifyReason)
      : salesLeadV1.DisqualifyReason.DISQUALIFY_REASON_UNSPECIFIED,
    note: body.note ?? '',
  };
}

export function listRequestFromQuery(query: ListLeadsJson): salesLeadV1.ListLeadsRequest {
  return salesLeadV1.ListLeadsRequest.fromPartial({
    page: pageFromQuery(query),
    statuses: query.status ? [...new Set(query.status.split(','))].map((status) => statusToProto(status as StatusJson)) : [],
    ownerId: query.ownerId ?? '',
    source: query.source ?? '',
    textContains: query.q ?? '',
  });
}

export function ruleToJson(rule: salesLeadV1.LeadAssignmentRule): LeadAssignmentRuleJson {
  return {
    id: rule.id,
    name: rule.name,
    priority: rule.priority,
    sources: rule.sources,
    provinces: rule.provinces,
    unit: rule.unit,
    members: rule.members,
    enabled: rule.enabled,
    version: rule.version,
    createdAt: rule.audit!.createTime!.toISOString(),
    createdBy: rule.audit!.createdBy,
    updatedAt: rule.audit!.updateTime!.toISOString(),
    updatedBy: rule.audit!.updatedBy,
  };
}

export function createRuleRequestFromJson(body: CreateLeadAssignmentRuleJson): salesLeadV1.CreateLeadAssignmentRuleRequest {
  return { rule: salesLeadV1.LeadAssignmentRule.fromPartial({ priority: 100, enabled: true, ...body }) };
}

export function updateRuleRequestFromJson(
  id: string,
  expectedVersion: number,
  body: Omit<UpdateLeadAssignmentRuleJson, 'version'>,
): salesLeadV1.UpdateLeadAssignmentRuleRequest {
  // Field names of the body are the mask paths, but for casing (none differ here).
  return { id, expectedVersion, updateMask: Object.keys(body), rule: salesLeadV1.LeadAssignmentRule.fromPartial(body) };
}
