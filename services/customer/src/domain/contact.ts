import { AppError, isEmailAddress, isPhoneNumber, type FieldViolation } from '@liaison/runtime';

// The contact record (联系人) of a customer and its invariants, independent of gRPC and SQL.

export const PHONE_KINDS = ['mobile', 'office', 'other'] as const;
export const IM_KINDS = ['wechat', 'qq', 'wecom', 'dingtalk', 'other'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];
export type ImKind = (typeof IM_KINDS)[number];

export interface Phone {
  kind: PhoneKind;
  number: string;
}

export interface ImAccount {
  kind: ImKind;
  handle: string;
}

/** Month and day always; the year only when known. */
export interface Birthday {
  month: number;
  day: number;
  year: number | null;
}

export interface ContactFields {
  name: string;
  title: string | null;
  department: string | null;
  phones: Phone[];
  email: string | null;
  imAccounts: ImAccount[];
  address: string | null;
  birthday: Birthday | null;
  hobbies: string[];
  loginAccount: string | null;
  isPrimary: boolean;
  notes: string | null;
}

export interface Contact extends ContactFields {
  id: string;
  customerId: string;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

/** Fields UpdateContact may change, by their snake_case mask path. */
export const UPDATABLE_CONTACT_FIELDS: Readonly<Record<string, keyof ContactFields>> = {
  name: 'name',
  title: 'title',
  department: 'department',
  phones: 'phones',
  email: 'email',
  im_accounts: 'imAccounts',
  address: 'address',
  birthday: 'birthday',
  hobbies: 'hobbies',
  login_account: 'loginAccount',
  is_primary: 'isPrimary',
  notes: 'notes',
};

export const LIMITS = { phones: 10, imAccounts: 10, hobbies: 20, hobbyLength: 30 } as const;

// Control characters would break exports and logs; notes may still hold line breaks and tabs.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// 座机 often carry an extension (分机): "0571-8888 6666 转 801", "... ext. 801".
const OFFICE_PHONE = /^\+?[0-9][0-9\- ()]{2,30}?(?:\s*(?:转|ext\.?|x|#)\s*[0-9]{1,6})?$/i;
const MAINLAND_MOBILE = /^1[3-9][0-9]{9}$/;
const LOGIN_ACCOUNT = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
const EARLIEST_BIRTH_YEAR = 1900;

function length(text: string): number {
  return [...text].length;
}

/** Normalises text input: NFC, trimmed, empty → null. */
export function cleanText(value: string | null | undefined): string | null {
  const text = value?.normalize('NFC').trim();
  return text ? text : null;
}

/** Hobbies as entered, cleaned: blanks dropped, duplicates removed, order kept. */
export function cleanHobbies(values: string[]): string[] {
  return [...new Set(values.map(cleanText).filter((value): value is string => value !== null))];
}

/**
 * A mobile (手机) without a foreign country code must be a mainland number: 11 digits starting
 * with 1, optionally after +86 or 0086. Foreign mobiles only need to look like phone numbers.
 */
export function isPlausibleMobile(number: string): boolean {
  const digits = number.replace(/\D/g, '');
  if (number.startsWith('+') && !digits.startsWith('86')) return true;
  const national = number.startsWith('+') ? digits.slice(2) : digits.replace(/^0086/, '');
  return MAINLAND_MOBILE.test(national);
}

function phoneProblem(phone: Phone): string | undefined {
  if (!PHONE_KINDS.includes(phone.kind)) return `kind must be one of ${PHONE_KINDS.join(', ')}`;
  if (phone.kind === 'office') {
    return OFFICE_PHONE.test(phone.number) ? undefined : 'must be a phone number, optionally with an extension (转 801)';
  }
  if (!isPhoneNumber(phone.number)) return 'must be a phone number (digits, spaces, -, (), optional leading +)';
  if (phone.kind === 'mobile' && !isPlausibleMobile(phone.number))
    return 'must be a mobile number: 11 digits starting with 1, or with a foreign country code';
  return undefined;
}

function daysInMonth(month: number, year: number | null): number {
  // Without a year, 29 February stays possible: it is a real birthday.
  return new Date(Date.UTC(year ?? 2000, month, 0)).getUTCDate();
}

/** Why the birthday is not a real date, or undefined when it is one. */
export function birthdayProblem(birthday: Birthday, today = new Date()): string | undefined {
  const { month, day, year } = birthday;
  if (!Number.isInteger(month) || month < 1 || month > 12) return 'month must be 1 to 12';
  if (year !== null && (!Number.isInteger(year) || year < EARLIEST_BIRTH_YEAR || year > today.getUTCFullYear())) {
    return `year must be ${EARLIEST_BIRTH_YEAR} to this year, or left out`;
  }
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(month, year)) return 'day does not exist in that month';
  if (year !== null && Date.UTC(year, month - 1, day) > today.getTime()) return 'must not lie in the future';
  return undefined;
}

type Check = (field: keyof ContactFields, path: string, ok: boolean, message: string) => void;

function checkTexts(fields: ContactFields, check: Check): void {
  const optional = (field: keyof ContactFields, path: string, max: number) => {
    const value = fields[field] as string | null;
    check(
      field,
      path,
      value === null || (length(value) <= max && !CONTROL_CHARS.test(value)),
      `must be at most ${max} characters without control characters`,
    );
  };
  check('name', 'name', !!fields.name && length(fields.name) <= 100, 'must be 1 to 100 characters');
  check('name', 'name', !CONTROL_CHARS.test(fields.name ?? ''), 'must not contain control characters');
  optional('title', 'title', 100);
  optional('department', 'department', 100);
  optional('address', 'address', 300);
  check(
    'notes',
    'notes',
    fields.notes === null || (length(fields.notes) <= 2000 && !CONTROL_CHARS_BUT_LINES.test(fields.notes)),
    'must be at most 2000 characters',
  );
  check('email', 'email', fields.email === null || isEmailAddress(fields.email), 'must be an e-mail address');
  check(
    'loginAccount',
    'login_account',
    fields.loginAccount === null || LOGIN_ACCOUNT.test(fields.loginAccount),
    'must be 3 to 64 lower-case letters, digits or . _ @ -, starting with a letter or digit',
  );
}

function checkLists(fields: ContactFields, check: Check): void {
  check('phones', 'phones', fields.phones.length <= LIMITS.phones, `must be at most ${LIMITS.phones} numbers`);
  fields.phones.forEach((phone, index) => {
    const problem = phoneProblem(phone);
    check('phones', `phones[${index}]`, !problem, problem ?? '');
  });
  check('imAccounts', 'im_accounts', fields.imAccounts.length <= LIMITS.imAccounts, `must be at most ${LIMITS.imAccounts} accounts`);
  fields.imAccounts.forEach((account, index) => {
    check('imAccounts', `im_accounts[${index}].kind`, IM_KINDS.includes(account.kind), `must be one of ${IM_KINDS.join(', ')}`);
    check(
      'imAccounts',
      `im_accounts[${index}].handle`,
      !!account.handle && length(account.handle) <= 100 && !CONTROL_CHARS.test(account.handle),
      'must be 1 to 100 characters',
    );
  });
  check('hobbies', 'hobbies', fields.hobbies.length <= LIMITS.hobbies, `must be at most ${LIMITS.hobbies} hobbies`);
  fields.hobbies.forEach((hobby, index) => {
    check(
      'hobbies',
      `hobbies[${index}]`,
      length(hobby) <= LIMITS.hobbyLength && !CONTROL_CHARS.test(hobby),
      `must be at most ${LIMITS.hobbyLength} characters`,
    );
  });
  const birthday = fields.birthday && birthdayProblem(fields.birthday);
  check('birthday', 'birthday', !birthday, birthday || '');
}

/** Throws invalid_argument with every violation; `only` limits the checks to the fields being changed. */
export function validateContact(fields: ContactFields, only?: (keyof ContactFields)[]): void {
  const violations: FieldViolation[] = [];
  const check: Check = (field, path, ok, message) => {
    if ((!only || only.includes(field)) && !ok) violations.push({ field: path, message });
  };
  checkTexts(fields, check);
  checkLists(fields, check);
  if (violations.length > 0) throw AppError.invalid('contact is invalid', violations);
}

/** snake_case names of the fields whose values differ. */
export function changedContactFields(before: ContactFields, after: ContactFields): string[] {
  return Object.entries(UPDATABLE_CONTACT_FIELDS)
    .filter(([, key]) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map(([path]) => path);
}

/** The digits of a phone search, or an error when too few are given to be a useful fragment. */
export function phoneSearchDigits(fragment: string): string | undefined {
  const digits = fragment.replace(/\D/g, '');
  if (!fragment) return undefined;
  if (digits.length < 3)
    throw AppError.invalid('phone search needs at least 3 digits', [{ field: 'phone_contains', message: 'give at least 3 digits' }]);
  return digits;
}
