import { customerV1 } from '@liaison/contracts';
import type { CreateCustomerJson, CustomerJson, UpdateCustomerJson } from './customer-schemas';

// JSON ⇄ protobuf for customers. Protobuf has no null, so an empty string on the wire is an
// absent value, shown as null in JSON.

const { CustomerKind } = customerV1;

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
  };
}

export function createRequestFromJson(body: CreateCustomerJson, idempotencyKey: string | undefined): customerV1.CreateCustomerRequest {
  return customerV1.CreateCustomerRequest.fromPartial({ ...fieldsToProto(body), requestId: idempotencyKey ?? '' });
}

const MASK_PATHS: Record<Exclude<keyof UpdateCustomerJson, 'version'>, string> = {
  name: 'name',
  kind: 'kind',
  phone: 'phone',
  email: 'email',
  industry: 'industry',
  source: 'source',
  starRating: 'star_rating',
  creditLimit: 'credit_limit',
};

export function updateRequestFromJson(id: string, version: number, body: FieldsJson): customerV1.UpdateCustomerRequest {
  const updateMask = Object.entries(MASK_PATHS)
    .filter(([field]) => field in body)
    .map(([, path]) => path);
  return customerV1.UpdateCustomerRequest.fromPartial({
    id,
    expectedVersion: version,
    updateMask,
    customer: fieldsToProto(body),
  });
}
