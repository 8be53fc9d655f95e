import { assignmentV1, customerV1 } from '@liaison/contracts';
import type { CategoryJson } from './customer-schemas';
import { categoryToProto, customerToJson } from './customer-json';
import type {
  ListPoolJson,
  OwnershipChangeJson,
  PendingCustomerJson,
  PoolCustomerJson,
  PoolRuleBodyJson,
  PoolRuleJson,
} from './assignment-schemas';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for ownership. Protobuf has no null: an empty owner id is the pool, an unset
// timestamp is "never".

const { OwnershipChangeKind: Kind, ContactState } = assignmentV1;
const CATEGORY_NAMES: CategoryJson[] = ['potential', 'intentional', 'key', 'deal', 'invalid', 'shelved'];

const orNull = (value: string) => (value === '' ? null : value);
const timeOrNull = (value: Date | undefined) => value?.toISOString() ?? null;

function categoryToJson(category: customerV1.CustomerCategory): CategoryJson {
  return CATEGORY_NAMES.find((name) => categoryToProto(name) === category) ?? 'potential';
}

const csv = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : []);

export function listPoolRequestFromQuery(query: ListPoolJson): assignmentV1.ListPoolRequest {
  return assignmentV1.ListPoolRequest.fromPartial({
    page: pageFromQuery(query),
    nameContains: query.q ?? '',
    categories: csv(query.category).map((name) => categoryToProto(name as CategoryJson)),
  });
}

export function contactStateFromQuery(contacted: 'true' | 'false' | undefined): assignmentV1.ContactState {
  if (contacted === 'true') return ContactState.CONTACT_STATE_CONTACTED;
  if (contacted === 'false') return ContactState.CONTACT_STATE_UNCONTACTED;
  return ContactState.CONTACT_STATE_UNSPECIFIED;
}

export function poolCustomerToJson(customer: assignmentV1.PoolCustomer): PoolCustomerJson {
  return {
    id: customer.id,
    name: customer.name,
    kind: customer.kind === customerV1.CustomerKind.CUSTOMER_KIND_PERSON ? 'person' : 'company',
    category: categoryToJson(customer.category),
    industry: orNull(customer.industry),
    source: orNull(customer.source),
    nature: orNull(customer.nature),
    region: customer.region?.province
      ? { province: customer.region.province, ...(customer.region.city ? { city: customer.region.city } : {}) }
      : null,
    starRating: customer.starRating,
    pooledAt: timeOrNull(customer.pooledTime),
    lastContactedAt: timeOrNull(customer.lastContactTime),
  };
}

export function pendingCustomerToJson(pending: assignmentV1.PendingCustomer): PendingCustomerJson {
  return {
    customer: customerToJson(pending.customer!),
    pendingSince: timeOrNull(pending.pendingTime) ?? '',
    lastContactedAt: timeOrNull(pending.lastContactTime),
    followerId: orNull(pending.followerId),
    followerUnit: orNull(pending.followerUnit),
  };
}

const KINDS: Record<OwnershipChangeJson['kind'], assignmentV1.OwnershipChangeKind> = {
  create: Kind.OWNERSHIP_CHANGE_KIND_CREATE,
  claim: Kind.OWNERSHIP_CHANGE_KIND_CLAIM,
  release: Kind.OWNERSHIP_CHANGE_KIND_RELEASE,
  assign: Kind.OWNERSHIP_CHANGE_KIND_ASSIGN,
  transfer: Kind.OWNERSHIP_CHANGE_KIND_TRANSFER,
  return_to_pool: Kind.OWNERSHIP_CHANGE_KIND_RETURN_TO_POOL,
};

export function changeToJson(change: assignmentV1.OwnershipChange): OwnershipChangeJson {
  return {
    kind: (Object.keys(KINDS) as OwnershipChangeJson['kind'][]).find((kind) => KINDS[kind] === change.kind) ?? 'create',
    fromOwnerId: orNull(change.fromOwnerId),
    fromOwnerUnit: orNull(change.fromOwnerUnit),
    toOwnerId: orNull(change.toOwnerId),
    toOwnerUnit: orNull(change.toOwnerUnit),
    reason: orNull(change.reason),
    actorId: change.actorId,
    changedAt: timeOrNull(change.changeTime) ?? '',
  };
}

export function ruleToJson(rule: assignmentV1.PoolRule): PoolRuleJson {
  return {
    enabled: rule.enabled,
    daysWithoutContact: rule.daysWithoutContact,
    excludedCategories: rule.excludedCategories.map(categoryToJson),
    version: rule.version,
    updatedAt: timeOrNull(rule.updateTime) ?? '',
    updatedBy: rule.updatedBy,
  };
}

export function ruleRequestFromJson(body: PoolRuleBodyJson, version: number): assignmentV1.UpdatePoolRuleRequest {
  return assignmentV1.UpdatePoolRuleRequest.fromPartial({
    enabled: body.enabled,
    daysWithoutContact: body.daysWithoutContact,
    excludedCategories: body.excludedCategories.map(categoryToProto),
    expectedVersion: version,
  });
}
