import { AppError, isEmailAddress, isPhoneNumber, type FieldViolation } from '@liaison/runtime';
import type { Category } from './lifecycle';
import type { CustomFieldValues } from './custom-field-values';

// The customer aggregate and its invariants, independent of gRPC and SQL.

export type CustomerKind = 'company' | 'person';

export interface Money {
  minorUnits: number;
  currencyCode: string;
}

export interface CustomerFields {
  name: string;
  kind: CustomerKind;
  phone: string | null;
  email: string | null;
  industry: string | null;
  source: string | null;
  starRating: number;
  creditLimit: Money | null;
  nature: string | null;
  province: string | null;
  city: string | null;
  isTarget: boolean;
  /** Values of the custom fields by key, checked against their definitions by the use cases. */
  customFields: CustomFieldValues;
}

export interface Customer extends CustomerFields {
  id: string;
  category: Category;
  /** YYYY-MM-DD of the deal confirmation. */
  dealDate: string | null;
  ownerId: string | null;
  ownerUnit: string | null;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

/** Fields a caller may change with UpdateCustomer, by their snake_case mask path. */
export const UPDATABLE_FIELDS: Record<string, (keyof CustomerFields)[]> = {
  name: ['name'],
  kind: ['kind'],
  phone: ['phone'],
  email: ['email'],
  industry: ['industry'],
  source: ['source'],
  star_rating: ['starRating'],
  credit_limit: ['creditLimit'],
  nature: ['nature'],
  region: ['province', 'city'],
  is_target: ['isTarget'],
  custom_fields: ['customFields'],
};

const MAX_CREDIT_MINOR_UNITS = 1e15;
// Control characters would break exports and logs; everything else of Unicode is a valid name.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const CURRENCY = /^[A-Z]{3}$/;

function length(text: string): number {
  return [...text].length;
}

/** Normalises text input: NFC (so the same Chinese or accented name compares equal), trimmed, empty → null. */
export function cleanText(value: string | null | undefined): string | null {
  const text = value?.normalize('NFC').trim();
  return text ? text : null;
}

export function validateFields(fields: CustomerFields, only?: (keyof CustomerFields)[]): void {
  const violations: FieldViolation[] = [];
  const check = (field: keyof CustomerFields, path: string, ok: boolean, message: string) => {
    if ((!only || only.includes(field)) && !ok) violations.push({ field: path, message });
  };
  check('name', 'name', !!fields.name && length(fields.name) <= 200, 'must be 1 to 200 characters');
  check('name', 'name', !CONTROL_CHARS.test(fields.name ?? ''), 'must not contain control characters');
  check('kind', 'kind', fields.kind === 'company' || fields.kind === 'person', 'must be company or person');
  check(
    'phone',
    'phone',
    fields.phone === null || isPhoneNumber(fields.phone),
    'must be a phone number (digits, spaces, -, (), optional leading +)',
  );
  check('email', 'email', fields.email === null || isEmailAddress(fields.email), 'must be an e-mail address');
  check('industry', 'industry', fields.industry === null || length(fields.industry) <= 100, 'must be at most 100 characters');
  check('source', 'source', fields.source === null || length(fields.source) <= 100, 'must be at most 100 characters');
  check(
    'starRating',
    'star_rating',
    Number.isInteger(fields.starRating) && fields.starRating >= 0 && fields.starRating <= 5,
    'must be an integer from 0 to 5',
  );
  check('nature', 'nature', fields.nature === null || length(fields.nature) <= 100, 'must be at most 100 characters');
  check('province', 'region.province', fields.province === null || length(fields.province) <= 50, 'must be at most 50 characters');
  check('city', 'region.city', fields.city === null || length(fields.city) <= 50, 'must be at most 50 characters');
  check('city', 'region.city', fields.city === null || fields.province !== null, 'needs its province');
  const credit = fields.creditLimit;
  check(
    'creditLimit',
    'credit_limit.minor_units',
    credit === null || (Number.isSafeInteger(credit.minorUnits) && credit.minorUnits >= 0 && credit.minorUnits <= MAX_CREDIT_MINOR_UNITS),
    'must be a non-negative integer of minor units',
  );
  check(
    'creditLimit',
    'credit_limit.currency_code',
    credit === null || CURRENCY.test(credit.currencyCode),
    'must be an ISO 4217 code such as CNY',
  );
  if (violations.length > 0) throw AppError.invalid('customer is invalid', violations);
}

/** snake_case names of the fields whose values differ. */
export function changedFields(before: CustomerFields, after: CustomerFields): string[] {
  return Object.entries(UPDATABLE_FIELDS)
    .filter(([, keys]) => keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])))
    .map(([path]) => path);
}

/** The value of a mask path, as recorded in the customer's history. */
export function valueAt(fields: CustomerFields, path: string): unknown {
  const keys = UPDATABLE_FIELDS[path];
  if (keys.length === 1) return fields[keys[0]];
  return Object.fromEntries(keys.map((key) => [key, fields[key]]));
}
