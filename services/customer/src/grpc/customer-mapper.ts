import { customerV1 } from '@liaison/contracts';
import type { Customer, CustomerFields, CustomerKind } from '../domain/customer';
import { cleanText } from '../domain/customer';
import type { Category } from '../domain/lifecycle';
import type { SortOrder } from '../persistence/customer-repository';

// Translation between the protobuf contract and the domain model, used by the gRPC handlers
// and by the event payloads (events carry the same Customer message as the API).

const { CustomerKind: ProtoKind, CustomerCategory: ProtoCategory, CustomerSort: ProtoSort } = customerV1;

const CATEGORY_TO_PROTO: Record<Category, customerV1.CustomerCategory> = {
  potential: ProtoCategory.CUSTOMER_CATEGORY_POTENTIAL,
  intentional: ProtoCategory.CUSTOMER_CATEGORY_INTENTIONAL,
  key: ProtoCategory.CUSTOMER_CATEGORY_KEY,
  deal: ProtoCategory.CUSTOMER_CATEGORY_DEAL,
  invalid: ProtoCategory.CUSTOMER_CATEGORY_INVALID,
  shelved: ProtoCategory.CUSTOMER_CATEGORY_SHELVED,
};

export function categoryToProto(category: Category): customerV1.CustomerCategory {
  return CATEGORY_TO_PROTO[category];
}

/** undefined for UNSPECIFIED or unknown values; callers decide whether that is allowed. */
export function categoryFromProto(category: customerV1.CustomerCategory): Category | undefined {
  return (Object.keys(CATEGORY_TO_PROTO) as Category[]).find((key) => CATEGORY_TO_PROTO[key] === category);
}

const SORT_FROM_PROTO: Partial<Record<customerV1.CustomerSort, SortOrder>> = {
  [ProtoSort.CUSTOMER_SORT_UNSPECIFIED]: 'newest',
  [ProtoSort.CUSTOMER_SORT_OLDEST]: 'oldest',
  [ProtoSort.CUSTOMER_SORT_NAME]: 'name',
  [ProtoSort.CUSTOMER_SORT_STARS_DESC]: 'stars',
  [ProtoSort.CUSTOMER_SORT_UPDATED_DESC]: 'updated',
};

export function sortFromProto(sort: customerV1.CustomerSort): SortOrder | undefined {
  return SORT_FROM_PROTO[sort];
}

const KIND_TO_PROTO: Record<CustomerKind, customerV1.CustomerKind> = {
  company: ProtoKind.CUSTOMER_KIND_COMPANY,
  person: ProtoKind.CUSTOMER_KIND_PERSON,
};

export function kindFromProto(kind: customerV1.CustomerKind): CustomerKind {
  if (kind === ProtoKind.CUSTOMER_KIND_PERSON) return 'person';
  if (kind === ProtoKind.CUSTOMER_KIND_COMPANY) return 'company';
  return 'invalid' as CustomerKind; // rejected by validation with a field violation
}

export function toProtoCustomer(customer: Customer): customerV1.Customer {
  return customerV1.Customer.fromPartial({
    id: customer.id,
    name: customer.name,
    kind: KIND_TO_PROTO[customer.kind],
    phone: customer.phone ?? '',
    email: customer.email ?? '',
    industry: customer.industry ?? '',
    source: customer.source ?? '',
    starRating: customer.starRating,
    creditLimit: customer.creditLimit ?? undefined,
    ownerId: customer.ownerId ?? '',
    ownerUnit: customer.ownerUnit ?? '',
    category: CATEGORY_TO_PROTO[customer.category],
    nature: customer.nature ?? '',
    region: customer.province ? { province: customer.province, city: customer.city ?? '' } : undefined,
    isTarget: customer.isTarget,
    dealDate: customer.dealDate ?? '',
    customFields: customer.customFields,
    version: customer.version,
    audit: {
      createTime: customer.createdAt,
      createdBy: customer.createdBy,
      updateTime: customer.updatedAt,
      updatedBy: customer.updatedBy,
    },
  });
}

/** Fields of a create request or of an update's customer message, cleaned but not yet validated. */
export function fieldsFromProto(message: {
  name: string;
  kind: customerV1.CustomerKind;
  phone: string;
  email: string;
  industry: string;
  source: string;
  starRating: number;
  creditLimit?: { minorUnits: number; currencyCode: string } | undefined;
  nature: string;
  region?: { province: string; city: string } | undefined;
  isTarget: boolean;
  customFields?: Record<string, unknown> | undefined;
}): CustomerFields {
  return {
    name: cleanText(message.name) ?? '',
    kind: kindFromProto(message.kind),
    phone: cleanText(message.phone),
    email: cleanText(message.email)?.toLowerCase() ?? null,
    industry: cleanText(message.industry),
    source: cleanText(message.source),
    starRating: message.starRating,
    creditLimit: message.creditLimit
      ? { minorUnits: message.creditLimit.minorUnits, currencyCode: message.creditLimit.currencyCode }
      : null,
    nature: cleanText(message.nature),
    province: cleanText(message.region?.province),
    city: cleanText(message.region?.city),
    isTarget: message.isTarget,
    // Checked against the definitions by the use cases, which have the database.
    customFields: (message.customFields ?? {}) as CustomerFields['customFields'],
  };
}
