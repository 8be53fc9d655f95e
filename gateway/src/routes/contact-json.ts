import { contactV1 } from '@liaison/contracts';
import type {
  ContactJson,
  CreateContactJson,
  ListContactsJson,
  RelationJson,
  RelationKindJson,
  UpdateContactJson,
} from './contact-schemas';
import { pageFromQuery } from '../http/paging';

// JSON ⇄ protobuf for contacts. Protobuf has no null, so an empty string (or an unset message)
// on the wire is an absent value, shown as null in JSON.

const { ContactPhoneKind: Phone, ContactImKind: Im, ContactRelationKind: Relation } = contactV1;

type PhoneKindJson = ContactJson['phones'][number]['kind'];
type ImKindJson = ContactJson['imAccounts'][number]['kind'];

const PHONE_KINDS: Record<PhoneKindJson, contactV1.ContactPhoneKind> = {
  mobile: Phone.CONTACT_PHONE_KIND_MOBILE,
  office: Phone.CONTACT_PHONE_KIND_OFFICE,
  other: Phone.CONTACT_PHONE_KIND_OTHER,
};

const IM_KINDS: Record<ImKindJson, contactV1.ContactImKind> = {
  wechat: Im.CONTACT_IM_KIND_WECHAT,
  qq: Im.CONTACT_IM_KIND_QQ,
  wecom: Im.CONTACT_IM_KIND_WECOM,
  dingtalk: Im.CONTACT_IM_KIND_DINGTALK,
  other: Im.CONTACT_IM_KIND_OTHER,
};

const RELATION_KINDS: Record<RelationKindJson, contactV1.ContactRelationKind> = {
  reports_to: Relation.CONTACT_RELATION_KIND_REPORTS_TO,
  influences: Relation.CONTACT_RELATION_KIND_INFLUENCES,
  other: Relation.CONTACT_RELATION_KIND_OTHER,
};

function jsonKey<K extends string, V>(table: Record<K, V>, value: V, fallback: K): K {
  return (Object.keys(table) as K[]).find((key) => table[key] === value) ?? fallback;
}

const orNull = (value: string) => (value === '' ? null : value);

export function contactToJson(contact: contactV1.Contact): ContactJson {
  return {
    id: contact.id,
    customerId: contact.customerId,
    name: contact.name,
    title: orNull(contact.title),
    department: orNull(contact.department),
    phones: contact.phones.map((phone) => ({ kind: jsonKey(PHONE_KINDS, phone.kind, 'other'), number: phone.number })),
    email: orNull(contact.email),
    imAccounts: contact.imAccounts.map((account) => ({ kind: jsonKey(IM_KINDS, account.kind, 'other'), handle: account.handle })),
    address: orNull(contact.address),
    birthday: contact.birthday
      ? { month: contact.birthday.month, day: contact.birthday.day, ...(contact.birthday.year ? { year: contact.birthday.year } : {}) }
      : null,
    hobbies: contact.hobbies,
    loginAccount: orNull(contact.loginAccount),
    isPrimary: contact.isPrimary,
    notes: orNull(contact.notes),
    version: contact.version,
    createdAt: contact.audit?.createTime?.toISOString() ?? '',
    createdBy: contact.audit?.createdBy ?? '',
    updatedAt: contact.audit?.updateTime?.toISOString() ?? '',
    updatedBy: contact.audit?.updatedBy ?? '',
  };
}

export function relationToJson(relation: contactV1.ContactRelation): RelationJson {
  return {
    from: relation.fromContactId,
    to: relation.toContactId,
    kind: jsonKey(RELATION_KINDS, relation.kind, 'other'),
    label: orNull(relation.label),
  };
}

export function relationKindToProto(kind: RelationKindJson): contactV1.ContactRelationKind {
  return RELATION_KINDS[kind];
}

type FieldsJson = Omit<UpdateContactJson, 'version'>;

// Absent and null both travel as protobuf defaults; the update mask says which ones count.
function fieldsToProto(body: FieldsJson): contactV1.Contact {
  return contactV1.Contact.fromPartial({
    name: body.name ?? '',
    title: body.title ?? '',
    department: body.department ?? '',
    phones: (body.phones ?? []).map((phone) => ({ kind: PHONE_KINDS[phone.kind], number: phone.number })),
    email: body.email ?? '',
    imAccounts: (body.imAccounts ?? []).map((account) => ({ kind: IM_KINDS[account.kind], handle: account.handle })),
    address: body.address ?? '',
    birthday: body.birthday ? { month: body.birthday.month, day: body.birthday.day, year: body.birthday.year ?? 0 } : undefined,
    hobbies: body.hobbies ?? [],
    loginAccount: body.loginAccount ?? '',
    isPrimary: body.isPrimary ?? false,
    notes: body.notes ?? '',
  });
}

export function createContactRequest(customerId: string, body: CreateContactJson): contactV1.CreateContactRequest {
  return { customerId, contact: fieldsToProto(body) };
}

const MASK_PATHS: Record<keyof FieldsJson, string> = {
  name: 'name',
  title: 'title',
  department: 'department',
  phones: 'phones',
  email: 'email',
  imAccounts: 'im_accounts',
  address: 'address',
  birthday: 'birthday',
  hobbies: 'hobbies',
  loginAccount: 'login_account',
  isPrimary: 'is_primary',
  notes: 'notes',
};

export function updateContactRequest(id: string, version: number, body: FieldsJson): contactV1.UpdateContactRequest {
  const updateMask = (Object.keys(MASK_PATHS) as (keyof FieldsJson)[]).filter((field) => field in body).map((field) => MASK_PATHS[field]);
  return { id, expectedVersion: version, updateMask, contact: fieldsToProto(body) };
}

export function listContactsRequest(customerId: string, query: ListContactsJson): contactV1.ListContactsRequest {
  return {
    customerId,
    page: pageFromQuery(query),
    nameContains: query.q ?? '',
    phoneContains: query.phone ?? '',
  };
}
