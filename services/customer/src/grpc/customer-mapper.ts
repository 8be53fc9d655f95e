import { customerV1 } from '@liaison/contracts';
import type { Customer, CustomerFields, CustomerKind } from '../domain/customer';
import { cleanText } from '../domain/customer';

// Translation between the protobuf contract and the domain model, used by the gRPC handlers
// and by the event payloads (events carry the same Customer message as the API).

const { CustomerKind: ProtoKind } = customerV1;

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
}): CustomerFields {
  return {
    name: cleanText(message.name) ?? '',
    kind: kindFromProto(message.kind),
    phone: cleanText(message.phone),
    email: cleanText(message.email)?.toLowerCase() ?? null,
    industry: cleanText(message.industry),
    source: cleanText(message.source),
    starRating: message.starRating,
    creditLimit: message.creditLimit ? { minorUnits: message.creditLimit.minorUnits, currencyCode: message.creditLimit.currencyCode } : null,
  };
}
