import { contactV1 } from '@liaison/contracts';
import { cleanHobbies, cleanText, type Contact, type ContactFields, type ImKind, type PhoneKind } from '../domain/contact';
import type { ContactRelation, RelationKind } from '../domain/contact-relations';

// Translation between the protobuf contract and the contact domain, used by the gRPC handlers
// and by the event payloads (events carry the same messages as the API).

const { ContactPhoneKind: ProtoPhone, ContactImKind: ProtoIm, ContactRelationKind: ProtoRelation } = contactV1;

const PHONE_KINDS: Record<PhoneKind, contactV1.ContactPhoneKind> = {
  mobile: ProtoPhone.CONTACT_PHONE_KIND_MOBILE,
  office: ProtoPhone.CONTACT_PHONE_KIND_OFFICE,
  other: ProtoPhone.CONTACT_PHONE_KIND_OTHER,
};

const IM_KINDS: Record<ImKind, contactV1.ContactImKind> = {
  wechat: ProtoIm.CONTACT_IM_KIND_WECHAT,
  qq: ProtoIm.CONTACT_IM_KIND_QQ,
  wecom: ProtoIm.CONTACT_IM_KIND_WECOM,
  dingtalk: ProtoIm.CONTACT_IM_KIND_DINGTALK,
  other: ProtoIm.CONTACT_IM_KIND_OTHER,
};

const RELATION_KINDS: Record<RelationKind, contactV1.ContactRelationKind> = {
  reports_to: ProtoRelation.CONTACT_RELATION_KIND_REPORTS_TO,
  influences: ProtoRelation.CONTACT_RELATION_KIND_INFLUENCES,
  other: ProtoRelation.CONTACT_RELATION_KIND_OTHER,
};

// UNSPECIFIED and unknown numbers map to a value validation rejects with a field violation.
function keyOf<K extends string, V>(table: Record<K, V>, value: V): K {
  return (Object.keys(table) as K[]).find((key) => table[key] === value) ?? ('unspecified' as K);
}

/** undefined for UNSPECIFIED or unknown values. */
export function relationKindFromProto(kind: contactV1.ContactRelationKind): RelationKind | undefined {
  const key = keyOf(RELATION_KINDS, kind);
  return key in RELATION_KINDS ? key : undefined;
}

export function toProtoContact(contact: Contact): contactV1.Contact {
  return contactV1.Contact.fromPartial({
    id: contact.id,
    customerId: contact.customerId,
    name: contact.name,
    title: contact.title ?? '',
    department: contact.department ?? '',
    phones: contact.phones.map((phone) => ({ kind: PHONE_KINDS[phone.kind], number: phone.number })),
    email: contact.email ?? '',
    imAccounts: contact.imAccounts.map((account) => ({ kind: IM_KINDS[account.kind], handle: account.handle })),
    address: contact.address ?? '',
    birthday: contact.birthday ? { month: contact.birthday.month, day: contact.birthday.day, year: contact.birthday.year ?? 0 } : undefined,
    hobbies: contact.hobbies,
    loginAccount: contact.loginAccount ?? '',
    isPrimary: contact.isPrimary,
    notes: contact.notes ?? '',
    version: contact.version,
    audit: { createTime: contact.createdAt, createdBy: contact.createdBy, updateTime: contact.updatedAt, updatedBy: contact.updatedBy },
  });
}

export function toProtoRelation(relation: ContactRelation): contactV1.ContactRelation {
  return contactV1.ContactRelation.fromPartial({
    fromContactId: relation.fromContactId,
    toContactId: relation.toContactId,
    kind: RELATION_KINDS[relation.kind],
    label: relation.label ?? '',
    audit: { createTime: relation.createdAt, createdBy: relation.createdBy, updateTime: relation.updatedAt, updatedBy: relation.updatedBy },
  });
}

/** Fields of a contact message, cleaned but not yet validated. */
export function contactFieldsFromProto(message: contactV1.Contact): ContactFields {
  return {
    name: cleanText(message.name) ?? '',
    title: cleanText(message.title),
    department: cleanText(message.department),
    phones: message.phones.map((phone) => ({ kind: keyOf(PHONE_KINDS, phone.kind), number: cleanText(phone.number) ?? '' })),
    email: cleanText(message.email)?.toLowerCase() ?? null,
    imAccounts: message.imAccounts.map((account) => ({ kind: keyOf(IM_KINDS, account.kind), handle: cleanText(account.handle) ?? '' })),
    address: cleanText(message.address),
    // All zero is proto3's "not set"; anything else is a birthday that validation checks.
    birthday:
      message.birthday && (message.birthday.month || message.birthday.day || message.birthday.year)
        ? { month: message.birthday.month, day: message.birthday.day, year: message.birthday.year || null }
        : null,
    hobbies: cleanHobbies(message.hobbies),
    loginAccount: cleanText(message.loginAccount)?.toLowerCase() ?? null,
    isPrimary: message.isPrimary,
    notes: cleanText(message.notes),
  };
}
