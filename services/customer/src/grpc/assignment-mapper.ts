import { assignmentV1, customerV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { ChangeKind, OwnershipChange, PoolCustomer, PoolRule, TransferSettings } from '../domain/assignment';
import type { Category } from '../domain/lifecycle';
import { categoryFromProto, categoryToProto } from './customer-mapper';

// Ownership shapes between the domain and protobuf, shared by the gRPC handlers and the event
// payloads. Protobuf has no null: an empty owner id is the pool.

const { OwnershipChangeKind: ProtoKind, ContactState } = assignmentV1;

const KIND_TO_PROTO: Record<ChangeKind, assignmentV1.OwnershipChangeKind> = {
  create: ProtoKind.OWNERSHIP_CHANGE_KIND_CREATE,
  claim: ProtoKind.OWNERSHIP_CHANGE_KIND_CLAIM,
  release: ProtoKind.OWNERSHIP_CHANGE_KIND_RELEASE,
  assign: ProtoKind.OWNERSHIP_CHANGE_KIND_ASSIGN,
  transfer: ProtoKind.OWNERSHIP_CHANGE_KIND_TRANSFER,
  return_to_pool: ProtoKind.OWNERSHIP_CHANGE_KIND_RETURN_TO_POOL,
  handover: ProtoKind.OWNERSHIP_CHANGE_KIND_HANDOVER,
};

export function toProtoChange(change: OwnershipChange): assignmentV1.OwnershipChange {
  return assignmentV1.OwnershipChange.fromPartial({
    customerId: change.customerId,
    kind: KIND_TO_PROTO[change.kind],
    fromOwnerId: change.from.ownerId ?? '',
    fromOwnerUnit: change.from.ownerUnit ?? '',
    toOwnerId: change.to.ownerId ?? '',
    toOwnerUnit: change.to.ownerUnit ?? '',
    reason: change.reason ?? '',
    actorId: change.actorId,
    changeTime: change.changedAt,
  });
}

export function toProtoPoolCustomer(customer: PoolCustomer): assignmentV1.PoolCustomer {
  return assignmentV1.PoolCustomer.fromPartial({
    id: customer.id,
    name: customer.name,
    kind: customer.kind === 'person' ? customerV1.CustomerKind.CUSTOMER_KIND_PERSON : customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
    category: categoryToProto(customer.category),
    industry: customer.industry ?? '',
    source: customer.source ?? '',
    nature: customer.nature ?? '',
    region: customer.province ? { province: customer.province, city: customer.city ?? '' } : undefined,
    starRating: customer.starRating,
    pooledTime: customer.pooledAt ?? undefined,
    lastContactTime: customer.lastContactedAt ?? undefined,
  });
}

export function toProtoRule(rule: PoolRule): assignmentV1.PoolRule {
  return assignmentV1.PoolRule.fromPartial({
    enabled: rule.enabled,
    daysWithoutContact: rule.daysWithoutContact,
    excludedCategories: rule.excludedCategories.map(categoryToProto),
    version: rule.version,
    updateTime: rule.updatedAt,
    updatedBy: rule.updatedBy,
  });
}

export function toProtoTransferSettings(settings: TransferSettings): assignmentV1.TransferSettings {
  return assignmentV1.TransferSettings.fromPartial({
    approvalRequired: settings.approvalRequired,
    version: settings.version,
    updateTime: settings.updatedAt,
    updatedBy: settings.updatedBy,
  });
}

/** Categories of a request; an unknown value is a violation at its index. */
export function categoriesFromProto(values: customerV1.CustomerCategory[], field: string): Category[] {
  return values.map((value, index) => {
    const category = categoryFromProto(value);
    if (!category) throw AppError.invalid('unknown category', [{ field: `${field}[${index}]`, message: 'is not a category' }]);
    return category;
  });
}

/** undefined = both; true = contacted before becoming pending; false = never contacted. */
export function contactedFromProto(state: assignmentV1.ContactState): boolean | undefined {
  if (state === ContactState.CONTACT_STATE_CONTACTED) return true;
  if (state === ContactState.CONTACT_STATE_UNCONTACTED) return false;
  if (state === ContactState.CONTACT_STATE_UNSPECIFIED) return undefined;
  throw AppError.invalid('unknown contact state', [{ field: 'contact_state', message: 'is not a contact state' }]);
}
