import { contactV1 } from '@liaison/contracts';
import { validate } from '../http/validation';
import { HttpProblem } from '../http/problem';
import { contactToJson, createContactRequest, relationToJson, updateContactRequest } from './contact-json';
import { CreateContactBody, SetRelationBody, UpdateContactBody } from './contact-schemas';

const { ContactPhoneKind: Phone, ContactImKind: Im, ContactRelationKind: Relation } = contactV1;

function violatedFields(schema: Parameters<typeof validate>[0], value: unknown): string[] {
  try {
    validate(schema, value, 'body');
  } catch (error) {
    return ((error as HttpProblem).violations ?? []).map((violation) => violation.field);
  }
  return [];
}

describe('contact JSON', () => {
  it('maps a Chinese contact to protobuf, with a birthday without its year', () => {
    const request = createContactRequest('c-1', {
      name: '王建国',
      phones: [{ kind: 'mobile', number: '138 0013 8000' }],
      imAccounts: [{ kind: 'wecom', handle: '王建国' }],
      birthday: { month: 2, day: 29 },
      hobbies: ['钓鱼'],
      isPrimary: true,
    });
    expect(request.customerId).toBe('c-1');
    expect(request.contact).toMatchObject({
      name: '王建国',
      phones: [{ kind: Phone.CONTACT_PHONE_KIND_MOBILE, number: '138 0013 8000' }],
      imAccounts: [{ kind: Im.CONTACT_IM_KIND_WECOM, handle: '王建国' }],
      birthday: { month: 2, day: 29, year: 0 },
      isPrimary: true,
      title: '',
    });
  });

  it('puts exactly the fields present into the update mask, nulls and empty lists included', () => {
    const request = updateContactRequest('id-1', 4, { title: null, imAccounts: [], birthday: null, loginAccount: 'portal' });
    expect(request).toMatchObject({ id: 'id-1', expectedVersion: 4, updateMask: ['title', 'im_accounts', 'birthday', 'login_account'] });
    expect(request.contact).toMatchObject({ title: '', imAccounts: [], loginAccount: 'portal' });
    expect(request.contact?.birthday).toBeUndefined();
  });

  it('shows absent values as null and leaves out an unknown birth year', () => {
    const json = contactToJson(
      contactV1.Contact.fromPartial({
        id: 'x',
        name: '李',
        birthday: { month: 10, day: 1, year: 0 },
        phones: [{ kind: Phone.CONTACT_PHONE_KIND_OFFICE, number: '021 6888 8888' }],
      }),
    );
    expect(json).toMatchObject({
      title: null,
      email: null,
      loginAccount: null,
      birthday: { month: 10, day: 1 },
      phones: [{ kind: 'office', number: '021 6888 8888' }],
    });
    expect(json.birthday).not.toHaveProperty('year');
    expect(relationToJson({ fromContactId: 'a', toContactId: 'b', kind: Relation.CONTACT_RELATION_KIND_REPORTS_TO, label: '' })).toEqual({
      from: 'a',
      to: 'b',
      kind: 'reports_to',
      label: null,
    });
  });

  it('refuses badly shaped contacts at the door, naming each field', () => {
    expect(
      violatedFields(CreateContactBody, {
        name: '张三',
        birthday: { month: 13, day: 0 },
        imAccounts: [{ kind: 'line', handle: 'x' }],
        gender: 'm',
      }),
    ).toEqual(expect.arrayContaining(['birthday.month', 'birthday.day', 'imAccounts.0.kind', 'gender']));
    expect(violatedFields(CreateContactBody, { name: '张三', hobbies: Array.from({ length: 21 }, (_, i) => `爱好${i}`) })).toEqual([
      'hobbies',
    ]);
    expect(violatedFields(UpdateContactBody, {})).toHaveLength(1);
    expect(violatedFields(SetRelationBody, { kind: 'boss_of' })).toEqual(expect.arrayContaining(['kind']));
    expect(violatedFields(SetRelationBody, { kind: 'other', label: '同学' })).toEqual([]);
  });
});
