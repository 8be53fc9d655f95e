import { AppError, type FieldViolation } from '@liaison/runtime';
import { DEFAULT_MAX_LENGTH, isIsoDate, NUMBER_LIMIT, type CustomFieldDefinition } from './custom-field';

// Values of custom fields: what the API carries (JSON), what imports and filters carry (text),
// and what exports show. Text, date, option and reference values are strings, numbers are
// numbers, multi-option values are lists of option values.

export type CustomFieldValue = string | number | string[];
export type CustomFieldValues = Record<string, CustomFieldValue>;

/** A checked value (null = no value) or why it is refused. */
export type ValueResult = { ok: true; value: CustomFieldValue | null } | { ok: false; message: string };

type Definition = Pick<CustomFieldDefinition, 'type' | 'options' | 'constraints' | 'referenceTarget'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Line breaks and tabs are fine in a text value; other control characters break exports.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** What separates the options of a multi-option cell. */
export const LIST_SEPARATORS = /[,，;；、|]/;
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const LOOSE_DATE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;

const ok = (value: CustomFieldValue | null): ValueResult => ({ ok: true, value });
const refused = (message: string): ValueResult => ({ ok: false, message });

function fractionDigits(value: number): number {
  const [mantissa, exponent] = String(Math.abs(value)).split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent ?? 0));
}

function checkText(definition: Definition, raw: unknown, withConstraints: boolean): ValueResult {
  if (typeof raw !== 'string') return refused('must be text');
  const text = raw.normalize('NFC').trim();
  if (!text) return ok(null);
  if (CONTROL_CHARS.test(text)) return refused('must not contain control characters');
  const maxLength = definition.constraints.maxLength ?? DEFAULT_MAX_LENGTH;
  if (withConstraints && [...text].length > maxLength) return refused(`must be at most ${maxLength} characters`);
  return ok(text);
}

function checkNumber(definition: Definition, raw: unknown, withConstraints: boolean): ValueResult {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return refused('must be a number');
  if (Math.abs(raw) > NUMBER_LIMIT) return refused(`must be within ±${NUMBER_LIMIT}`);
  if (!withConstraints) return ok(raw);
  const { min, max, decimals } = definition.constraints;
  if (min !== undefined && raw < min) return refused(`must be at least ${min}`);
  if (max !== undefined && raw > max) return refused(`must be at most ${max}`);
  if (decimals !== undefined && fractionDigits(raw) > decimals)
    return refused(decimals === 0 ? 'must be a whole number' : `must have at most ${decimals} decimals`);
  return ok(raw);
}

function checkDate(definition: Definition, raw: unknown, withConstraints: boolean): ValueResult {
  if (typeof raw !== 'string' || !isIsoDate(raw)) return refused('must be a date YYYY-MM-DD');
  const { minDate, maxDate } = definition.constraints;
  if (withConstraints && minDate && raw < minDate) return refused(`must be on or after ${minDate}`);
  if (withConstraints && maxDate && raw > maxDate) return refused(`must be on or before ${maxDate}`);
  return ok(raw);
}

function checkOption(definition: Definition, raw: unknown): ValueResult {
  if (typeof raw !== 'string') return refused('must be the value of an option');
  if (raw === '') return ok(null);
  return definition.options.some((option) => option.value === raw) ? ok(raw) : refused(`${raw} is not an option of this field`);
}

function checkOptions(definition: Definition, raw: unknown): ValueResult {
  if (!Array.isArray(raw)) return refused('must be a list of option values');
  const values: string[] = [];
  for (const item of raw) {
    const checked = checkOption(definition, item);
    if (!checked.ok) return checked;
    if (checked.value !== null && !values.includes(checked.value as string)) values.push(checked.value as string);
  }
  return ok(values.length > 0 ? values : null);
}

function checkReference(raw: unknown): ValueResult {
  if (typeof raw !== 'string') return refused('must be the id of a record');
  const id = raw.trim().toLowerCase();
  if (!id) return ok(null);
  return UUID.test(id) ? ok(id) : refused('must be the id (UUID) of a record');
}

/**
 * Checks a value as the API carries it and returns it normalised; null or an empty value means
 * no value. `withConstraints` false checks only the type, as filters need. Whether a reference
 * points to a record the writer may see is the use case's to check.
 */
export function checkValue(definition: Definition, raw: unknown, withConstraints = true): ValueResult {
  if (raw === null || raw === undefined) return ok(null);
  switch (definition.type) {
    case 'text':
      return checkText(definition, raw, withConstraints);
    case 'number':
      return checkNumber(definition, raw, withConstraints);
    case 'date':
      return checkDate(definition, raw, withConstraints);
    case 'option':
      return checkOption(definition, raw);
    case 'multi_option':
      return checkOptions(definition, raw);
    case 'reference':
      return checkReference(raw);
  }
}

function optionFromText(definition: Definition, text: string): string | undefined {
  const found = definition.options.find((option) => option.value === text || option.label === text);
  return found?.value;
}

function numberFromText(text: string): number | undefined {
  const ascii = text.normalize('NFKC').replace(/\s/g, '');
  const plain = THOUSANDS.test(ascii) ? ascii.replace(/,/g, '') : ascii;
  return PLAIN_NUMBER.test(plain) ? Number(plain) : undefined;
}

function dateFromText(text: string): string | undefined {
  const match = LOOSE_DATE.exec(text.normalize('NFKC'));
  if (!match) return undefined;
  return `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
}

function rawFromText(definition: Definition, text: string): ValueResult {
  switch (definition.type) {
    case 'number': {
      const value = numberFromText(text);
      return value === undefined ? refused(`${text} is not a number`) : ok(value);
    }
    case 'date': {
      const value = dateFromText(text);
      return value === undefined ? refused(`${text} is not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日)`) : ok(value);
    }
    case 'option': {
      const value = optionFromText(definition, text);
      return value === undefined ? refused(`${text} is not an option of this field`) : ok(value);
    }
    case 'multi_option': {
      const items = text
        .split(LIST_SEPARATORS)
        .map((item) => item.trim())
        .filter(Boolean);
      const unknown = items.filter((item) => optionFromText(definition, item) === undefined);
      if (unknown.length > 0)
        return refused(`${unknown.join(', ')} ${unknown.length === 1 ? 'is not an option' : 'are not options'} of this field`);
      return ok(items.map((item) => optionFromText(definition, item)!));
    }
    default:
      return ok(text);
  }
}

/**
 * Converts the text of a spreadsheet cell or a query into a checked value, for imports and
 * filters: numbers may carry thousands separators or full-width digits; dates may be written
 * 2024/3/5 or 2024年3月5日; options may be given by value or label; multi-option cells list them
 * separated by commas, semicolons, "、" or "|". Empty text is no value.
 */
export function parseCustomFieldValue(definition: Definition, text: string, withConstraints = true): ValueResult {
  const trimmed = text.normalize('NFC').trim();
  if (!trimmed) return ok(null);
  const raw = rawFromText(definition, trimmed);
  return raw.ok ? checkValue(definition, raw.value, withConstraints) : raw;
}

/** The value as a cell of an export: option labels rather than values; parses back to the value. */
export function formatCustomFieldValue(definition: Definition, value: CustomFieldValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  const labelOf = (item: string) => definition.options.find((option) => option.value === item)?.label ?? item;
  if (Array.isArray(value)) return value.map(labelOf).join('、');
  if (definition.type === 'option' && typeof value === 'string') return labelOf(value);
  return String(value);
}

/** Keys in one order, so that equal value sets compare equal as JSON. */
export function sortedValues(values: Record<string, unknown> | null | undefined): CustomFieldValues {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries) as CustomFieldValues;
}

/** A filter of the customer search on one field, checked against its definition. */
export interface CustomFieldCondition {
  key: string;
  type: CustomFieldDefinition['type'];
  /** Equality (containment for multi-option fields) with any of these. */
  anyOf: CustomFieldValue[];
  min?: number | string;
  max?: number | string;
}

export interface CustomFieldFilterInput {
  key: string;
  values: string[];
  min: string;
  max: string;
}

const MAX_FILTER_VALUES = 50;

/** Turns one filter into a condition; bad values are violations of `field` (e.g. custom_field_filters[0]). */
export function conditionOf(definition: CustomFieldDefinition, filter: CustomFieldFilterInput, field: string): CustomFieldCondition {
  const violations: FieldViolation[] = [];
  // A multi-option filter names single options, each of which the customer's list must hold.
  const single: Definition = definition.type === 'multi_option' ? { ...definition, type: 'option' } : definition;
  const parse = (text: string, where: string) => {
    const result = parseCustomFieldValue(single, text, false);
    if (!result.ok) violations.push({ field: where, message: result.message });
    return result.ok ? result.value : null;
  };
  if (filter.values.length > MAX_FILTER_VALUES)
    violations.push({ field: `${field}.values`, message: `give at most ${MAX_FILTER_VALUES} values` });
  const anyOf = filter.values
    .map((text, index) => parse(text, `${field}.values[${index}]`))
    .filter((value): value is CustomFieldValue => value !== null);
  const ranged = definition.type === 'number' || definition.type === 'date';
  if ((filter.min || filter.max) && !ranged)
    violations.push({ field: `${field}.min`, message: 'ranges apply to number and date fields only' });
  const min = ranged && filter.min ? parse(filter.min, `${field}.min`) : null;
  const max = ranged && filter.max ? parse(filter.max, `${field}.max`) : null;
  if (violations.length === 0 && anyOf.length === 0 && min === null && max === null)
    violations.push({ field, message: 'give values, min or max' });
  if (violations.length > 0) throw AppError.invalid('custom field filter is invalid', violations);
  return {
    key: definition.key,
    type: definition.type,
    anyOf,
    ...(min !== null ? { min: min as number | string } : {}),
    ...(max !== null ? { max: max as number | string } : {}),
  };
}
