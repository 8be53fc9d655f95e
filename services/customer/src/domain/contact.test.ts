import { AppError } from '@liaison/runtime';
import {
  birthdayProblem,
  changedContactFields,
  cleanHobbies,
  isPlausibleMobile,
  phoneSearchDigits,
  validateContact,
  type ContactFields,
} from './contact';

const valid: ContactFields = {
  name: '王建国',
  title: '采购总监',
  department: '采购部',
  phones: [
    { kind: 'mobile', number: '138 0013 8000' },
    { kind: 'office', number: '0571-8888 6666 转 801' },
  ],
  email: 'wangjg@xihu-tea.cn',
  imAccounts: [
    { kind: 'wechat', handle: 'wangjg_1975' },
    { kind: 'qq', handle: '10001' },
  ],
  address: '浙江省杭州市西湖区龙井路 1 号',
  birthday: { month: 2, day: 29, year: null },
  hobbies: ['钓鱼', '茶道'],
  loginAccount: 'wangjg',
  isPrimary: true,
  notes: '喜欢早上联系\n不喝酒',
};

function violationsOf(fields: Partial<ContactFields>, only?: (keyof ContactFields)[]): string[] {
  try {
    validateContact({ ...valid, ...fields }, only);
    return [];
  } catch (error) {
    return (error as AppError).violations.map((v) => v.field);
  }
}

describe('contact validation', () => {
  it('accepts a complete Chinese contact record', () => {
    expect(violationsOf({})).toEqual([]);
  });

  it('needs a name of 1 to 100 characters, counting CJK characters as one each', () => {
    expect(violationsOf({ name: '' })).toEqual(['name']);
    expect(violationsOf({ name: '王'.repeat(100) })).toEqual([]);
    expect(violationsOf({ name: '王'.repeat(101) })).toEqual(['name']);
    expect(violationsOf({ name: '王\u0007' })).toEqual(['name']);
  });

  it('checks each phone by its kind and names the bad one', () => {
    expect(
      violationsOf({
        phones: [
          { kind: 'mobile', number: '+86 139-1234-5678' },
          { kind: 'mobile', number: '0086 13912345678' },
        ],
      }),
    ).toEqual([]);
    expect(violationsOf({ phones: [{ kind: 'mobile', number: '+1 415 555 0100' }] })).toEqual([]);
    expect(
      violationsOf({
        phones: [
          { kind: 'mobile', number: '138 0013 8000' },
          { kind: 'mobile', number: '0571-8888 6666' },
        ],
      }),
    ).toEqual(['phones[1]']);
    expect(
      violationsOf({
        phones: [
          { kind: 'office', number: '021 6888 8888 ext. 12' },
          { kind: 'other', number: 'call me' },
        ],
      }),
    ).toEqual(['phones[1]']);
    expect(violationsOf({ phones: [{ kind: 'fax' as never, number: '021 6888 8888' }] })).toEqual(['phones[0]']);
    expect(violationsOf({ phones: Array.from({ length: 11 }, () => ({ kind: 'other' as const, number: '021 6888 8888' })) })).toEqual([
      'phones',
    ]);
  });

  it('checks IM accounts, e-mail, hobbies and the login account', () => {
    expect(
      violationsOf({
        imAccounts: [
          { kind: 'line' as never, handle: 'x' },
          { kind: 'wecom', handle: '' },
        ],
      }),
    ).toEqual(['im_accounts[0].kind', 'im_accounts[1].handle']);
    expect(violationsOf({ email: 'not-an-email' })).toEqual(['email']);
    expect(violationsOf({ hobbies: ['高尔夫'.repeat(11)] })).toEqual(['hobbies[0]']);
    expect(violationsOf({ hobbies: Array.from({ length: 21 }, (_, i) => `爱好${i}`) })).toEqual(['hobbies']);
    expect(violationsOf({ loginAccount: 'ab' })).toEqual(['login_account']);
    expect(violationsOf({ loginAccount: '王建国' })).toEqual(['login_account']);
    expect(violationsOf({ loginAccount: 'wang.jg@acme' })).toEqual([]);
  });

  it('checks only the fields being changed when told so', () => {
    expect(violationsOf({ name: '', email: 'bad' }, ['email'])).toEqual(['email']);
  });
});

describe('birthdays', () => {
  const today = new Date(Date.UTC(2025, 5, 15));
  it('accepts month and day without a year, including 29 February', () => {
    expect(birthdayProblem({ month: 2, day: 29, year: null }, today)).toBeUndefined();
    expect(birthdayProblem({ month: 12, day: 31, year: null }, today)).toBeUndefined();
  });

  it('refuses days that do not exist and years that cannot be', () => {
    expect(birthdayProblem({ month: 2, day: 29, year: 1975 }, today)).toMatch(/day/);
    expect(birthdayProblem({ month: 2, day: 29, year: 1976 }, today)).toBeUndefined();
    expect(birthdayProblem({ month: 4, day: 31, year: null }, today)).toMatch(/day/);
    expect(birthdayProblem({ month: 13, day: 1, year: null }, today)).toMatch(/month/);
    expect(birthdayProblem({ month: 0, day: 1, year: null }, today)).toMatch(/month/);
    expect(birthdayProblem({ month: 1, day: 1, year: 1899 }, today)).toMatch(/year/);
    expect(birthdayProblem({ month: 7, day: 1, year: 2025 }, today)).toMatch(/future/);
    expect(birthdayProblem({ month: 6, day: 15, year: 2025 }, today)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('tells mainland mobiles from other numbers', () => {
    expect(isPlausibleMobile('13800138000')).toBe(true);
    expect(isPlausibleMobile('+8613800138000')).toBe(true);
    expect(isPlausibleMobile('12800138000')).toBe(false);
    expect(isPlausibleMobile('1380013800')).toBe(false);
    expect(isPlausibleMobile('+44 7700 900123')).toBe(true);
  });

  it('cleans hobbies: NFC, trimmed, blanks and duplicates dropped', () => {
    expect(cleanHobbies([' 钓鱼 ', '', '钓鱼', 'Cafe\u0301', 'Café'])).toEqual(['钓鱼', 'Café']);
  });

  it('names the changed fields by mask path', () => {
    expect(
      changedContactFields(valid, { ...valid, imAccounts: [], isPrimary: false, birthday: { month: 2, day: 29, year: 1976 } }),
    ).toEqual(['im_accounts', 'birthday', 'is_primary']);
    expect(changedContactFields(valid, { ...valid })).toEqual([]);
  });

  it('needs at least three digits to search phones', () => {
    expect(phoneSearchDigits('')).toBeUndefined();
    expect(phoneSearchDigits('138-0')).toBe('1380');
    expect(() => phoneSearchDigits('1-2')).toThrow(AppError);
  });
});
