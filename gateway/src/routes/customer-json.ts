import { SEARCH_QUERY, type FieldNames } from '../http/field-names';
import { customerV1 } from '@liaison/contracts';
import type { CategoryJson, CreateCustomerJson, CustomerJson, ListCustomersJson, UpdateCustomerJson } from './customer-schemas';
import { customFieldFiltersFromQuery, customFieldMaskPaths } from './custom-field-json';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for customers. Protobuf has no null, so an empty string on the wire is an
// absent value, shown as null in JSON.

const { CustomerKind, CustomerCategory, CustomerSort } = customerV1;

const CATEGORIES: Record<CategoryJson, customerV1.CustomerCategory> = {
  potential: CustomerCategory.CUSTOMER_CATEGORY_POTENTIAL,
  intentional: CustomerCategory.CUSTOMER_CATEGORY_INTENTIONAL,
  key: CustomerCategory.CUSTOMER_CATEGORY_KEY,
  deal: CustomerCategory.CUSTOMER_CATEGORY_DEAL,
  invalid: CustomerCategory.CUSTOMER_CATEGORY_INVALID,
  shelved: CustomerCategory.CUSTOMER_CATEGORY_SHELVED,
};

export function categoryToProto(category: CategoryJson): customerV1.CustomerCategory {
  return CATEGORIES[category];
}

function categoryToJson(category: customerV1.CustomerCategory): CategoryJson {
  return (Object.keys(CATEGORIES) as CategoryJson[]).find((key) => CATEGORIES[key] === category) ?? 'potential';
}

const SORTS: Record<NonNullable<ListCustomersJson['sort']>, customerV1.CustomerSort> = {
  newest: CustomerSort.CUSTOMER_SORT_UNSPECIFIED,
  oldest: CustomerSort.CUSTOMER_SORT_OLDEST,
  name: CustomerSort.CUSTOMER_SORT_NAME,
  stars: CustomerSort.CUSTOMER_SORT_STARS_DESC,
  updated: CustomerSort.CUSTOMER_SORT_UPDATED_DESC,
};

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];

/** The search's query parameters by their protobuf names (GET /customers and its export). */
export const LIST_FIELD_NAMES: FieldNames = {
  ...SEARCH_QUERY,
  categories: 'category',
  natures: 'nature',
  sources: 'source',
  industries: 'industry',
  provinces: 'province',
  cities: 'city',
  onlyTargets: 'target',
};

export function listRequestFromQuery(query: ListCustomersJson): customerV1.ListCustomersRequest {
  return customerV1.ListCustomersRequest.fromPartial({
    page: pageFromQuery(query),
    nameContains: query.q ?? '',
    phoneContains: query.phone ?? '',
    ownerId: query.ownerId ?? '',
    categories: list(query.category).map((category) => CATEGORIES[category as CategoryJson]),
    natures: list(query.nature),
    sources: list(query.source),
    industries: list(query.industry),
    provinces: list(query.province),
    cities: list(query.city),
    minStars: query.minStars ? Number(query.minStars) : 0,
    maxStars: query.maxStars ? Number(query.maxStars) : 0,
    onlyTargets: query.target === 'true',
    createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
    createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
    dealDateFrom: query.dealDateFrom ?? '',
    dealDateTo: query.dealDateTo ?? '',
    sort: SORTS[query.sort ?? 'newest'],
    customFieldFilters: customFieldFiltersFromQuery(query),
  });
}

const orNull = (value: string) => (value === '' ? null : value);

export function customerToJson(customer: customerV1.Customer): CustomerJson {
  return {
    id: customer.id,
    name: customer.name,
    kind: customer.kind === CustomerKind.CUSTOMER_KIND_PERSON ? 'person' : 'company',
    phone: orNull(customer.phone),
    email: orNull(customer.email),
    industry: orNull(customer.industry),
    source: orNull(customer.source),
    starRating: customer.starRating,
    creditLimit: customer.creditLimit ? { minorUnits: customer.creditLimit.minorUnits, currency: customer.creditLimit.currencyCode } : null,
    ownerId: orNull(customer.ownerId),
    ownerUnit: orNull(customer.ownerUnit),
    category: categoryToJson(customer.category),
    nature: orNull(customer.nature),
    region: customer.region?.province
      ? { province: customer.region.province, ...(customer.region.city ? { city: customer.region.city } : {}) }
      : null,
    isTarget: customer.isTarget,
    dealDate: orNull(customer.dealDate),
    customFields: customer.customFields ?? {},
    version: customer.version,
    createdAt: customer.audit?.createTime?.toISOString() ?? '',
    createdBy: customer.audit?.createdBy ?? '',
    updatedAt: customer.audit?.updateTime?.toISOString() ?? '',
    updatedBy: customer.audit?.updatedBy ?? '',
  };
}

function kindToProto(kind: 'company' | 'person' | undefined): customerV1.CustomerKind {
  if (kind === 'person') return CustomerKind.CUSTOMER_KIND_PERSON;
  if (kind === 'company') return CustomerKind.CUSTOMER_KIND_COMPANY;
  return CustomerKind.CUSTOMER_KIND_UNSPECIFIED;
}

type FieldsJson = Omit<UpdateCustomerJson, 'version'>;

// Absent and null both travel as protobuf defaults; the update mask says which ones count.
function fieldsToProto(body: FieldsJson) {
  return {
    name: body.name ?? '',
    kind: kindToProto(body.kind),
    phone: body.phone ?? '',
    email: body.email ?? '',
    industry: body.industry ?? '',
    source: body.source ?? '',
    starRating: body.starRating ?? 0,
    creditLimit: body.creditLimit ? { minorUnits: body.creditLimit.minorUnits, currencyCode: body.creditLimit.currency } : undefined,
    nature: body.nature ?? '',
    region: body.region ? { province: body.region.province, city: body.region.city ?? '' } : undefined,
    isTarget: body.isTarget ?? false,
    customFields: body.customFields,
  };
}

export function createRequestFromJson(body: CreateCustomerJson, idempotencyKey: string | undefined): customerV1.CreateCustomerRequest {
  return customerV1.CreateCustomerRequest.fromPartial({
    ...fieldsToProto(body),
    category: body.category ? CATEGORIES[body.category] : CustomerCategory.CUSTOMER_CATEGORY_UNSPECIFIED,
    requestId: idempotencyKey ?? '',
  });
}

/** JSON field names of a customer → the service's update mask paths (also merge's taken fields). */
export const CUSTOMER_MASK_PATHS: Record<Exclude<keyof UpdateCustomerJson, 'version'>, string> = {
  name: 'name',
  kind: 'kind',
  phone: 'phone',
  email: 'email',
  industry: 'industry',
  source: 'source',
  starRating: 'star_rating',
  creditLimit: 'credit_limit',
  nature: 'nature',
  region: 'region',
  isTarget: 'is_target',
  customFields: 'custom_fields',
};

export function updateRequestFromJson(id: string, version: number, body: FieldsJson): customerV1.UpdateCustomerRequest {
  const updateMask = Object.entries(CUSTOMER_MASK_PATHS)
    .filter(([field]) => field in body)
    .flatMap(([field, path]) => (field === 'customFields' ? customFieldMaskPaths(body.customFields) : [path]));
  return customerV1.UpdateCustomerRequest.fromPartial({
    id,
    expectedVersion: version,
    updateMask,
    customer: fieldsToProto(body),
  });
}
