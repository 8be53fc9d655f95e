import { AppError, type FieldViolation } from '@liaison/runtime';

// Custom field definitions (字段扩展): what an administrator adds to the customer record. The
// definition decides what a value may be (custom-field-values.ts); a definition change may
// never contradict the values customers already hold (checked by the use case in the database).

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'option', 'multi_option', 'reference'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const REFERENCE_TARGETS = ['customer', 'contact'] as const;
export type ReferenceTarget = (typeof REFERENCE_TARGETS)[number];

export interface CustomFieldOption {
  value: string;
  label: string;
}

export interface CustomFieldConstraints {
  maxLength?: number;
  min?: number;
  max?: number;
  decimals?: number;
  minDate?: string;
  maxDate?: string;
}

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: CustomFieldOption[];
  referenceTarget: ReferenceTarget | null;
  constraints: CustomFieldConstraints;
  enabled: boolean;
  sortOrder: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export type DefinitionFields = Pick<
  CustomFieldDefinition,
  'key' | 'label' | 'type' | 'required' | 'options' | 'referenceTarget' | 'constraints' | 'enabled' | 'sortOrder'
>;

/** Update mask paths (snake_case) and the definition fields they change; the key never changes. */
export const UPDATABLE_DEFINITION_FIELDS: Record<string, keyof DefinitionFields> = {
  label: 'label',
  type: 'type',
  required: 'required',
  options: 'options',
  reference_target: 'referenceTarget',
  constraints: 'constraints',
  enabled: 'enabled',
  sort_order: 'sortOrder',
};

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const OPTION_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DEFAULT_MAX_LENGTH = 500;
const MAX_MAX_LENGTH = 2000;
const MAX_OPTIONS = 200;
const MAX_LABEL = 50;
const MAX_DECIMALS = 10;
/** Numbers stay within what a double holds exactly as an integer. */
export const NUMBER_LIMIT = 1e15;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export function isOptionType(type: CustomFieldType): boolean {
  return type === 'option' || type === 'multi_option';
}

function labelProblem(label: string): string | undefined {
  if (!label) return 'is required';
  if ([...label].length > MAX_LABEL) return `must be at most ${MAX_LABEL} characters`;
  return CONTROL_CHARS.test(label) ? 'must not contain control characters' : undefined;
}

function optionViolations(definition: DefinitionFields): FieldViolation[] {
  const { options, type } = definition;
  if (!isOptionType(type)) return options.length > 0 ? [{ field: 'options', message: `a ${type} field has no options` }] : [];
  const violations: FieldViolation[] = [];
  if (options.length === 0 || options.length > MAX_OPTIONS)
    violations.push({ field: 'options', message: `give 1 to ${MAX_OPTIONS} options` });
  options.forEach((option, index) => {
    if (!OPTION_VALUE_PATTERN.test(option.value))
      violations.push({ field: `options[${index}].value`, message: 'must be 1 to 64 ASCII letters, digits, "_", "-" or "."' });
    const problem = labelProblem(option.label);
    if (problem) violations.push({ field: `options[${index}].label`, message: problem });
    if (options.findIndex((other) => other.value === option.value) < index)
      violations.push({ field: `options[${index}].value`, message: 'repeats another option' });
    if (options.findIndex((other) => other.label === option.label) < index)
      violations.push({ field: `options[${index}].label`, message: 'repeats another option' });
  });
  return violations;
}

const CONSTRAINTS_OF_TYPE: Record<CustomFieldType, (keyof CustomFieldConstraints)[]> = {
  text: ['maxLength'],
  number: ['min', 'max', 'decimals'],
  date: ['minDate', 'maxDate'],
  option: [],
  multi_option: [],
  reference: [],
};

function constraintViolations({ type, constraints }: DefinitionFields): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (field: string, message: string) => violations.push({ field: `constraints.${field}`, message });
  const allowed = CONSTRAINTS_OF_TYPE[type] ?? [];
  for (const name of Object.keys(constraints) as (keyof CustomFieldConstraints)[]) {
    if (constraints[name] !== undefined && !allowed.includes(name)) add(name, `does not apply to a ${type} field`);
  }
  const { maxLength, min, max, decimals, minDate, maxDate } = constraints;
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_MAX_LENGTH))
    add('maxLength', `must be 1 to ${MAX_MAX_LENGTH}`);
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && !(Number.isFinite(bound) && Math.abs(bound) <= NUMBER_LIMIT))
      add(name, `must be a number within ±${NUMBER_LIMIT}`);
  }
  if (min !== undefined && max !== undefined && min > max) add('max', 'must not be below min');
  if (decimals !== undefined && (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS))
    add('decimals', `must be 0 to ${MAX_DECIMALS}`);
  for (const [name, bound] of [
    ['minDate', minDate],
    ['maxDate', maxDate],
  ] as const) {
    if (bound !== undefined && !isIsoDate(bound)) add(name, 'must be a date YYYY-MM-DD');
  }
  if (minDate && maxDate && minDate > maxDate) add('maxDate', 'must not be before minDate');
  return violations;
}

export function definitionViolations(definition: DefinitionFields): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!KEY_PATTERN.test(definition.key))
    violations.push({ field: 'key', message: 'must be a lower-case ASCII identifier: a letter, then letters, digits or "_", at most 40' });
  const label = labelProblem(definition.label);
  if (label) violations.push({ field: 'label', message: label });
  if (!(CUSTOM_FIELD_TYPES as readonly string[]).includes(definition.type)) {
    violations.push({ field: 'type', message: `must be one of ${CUSTOM_FIELD_TYPES.join(', ')}` });
    return violations;
  }
  if (definition.type === 'reference' && !definition.referenceTarget)
    violations.push({ field: 'reference_target', message: 'a reference field needs its target: customer or contact' });
  if (definition.type !== 'reference' && definition.referenceTarget)
    violations.push({ field: 'reference_target', message: `a ${definition.type} field refers to nothing` });
  if (!Number.isInteger(definition.sortOrder) || Math.abs(definition.sortOrder) > 1e9)
    violations.push({ field: 'sort_order', message: 'must be a whole number within ±1000000000' });
  return [...violations, ...optionViolations(definition), ...constraintViolations(definition)];
}

export function checkDefinition(definition: DefinitionFields): void {
  const violations = definitionViolations(definition);
  if (violations.length > 0) throw AppError.invalid('custom field definition is invalid', violations);
}

/** snake_case names of the definition fields that differ. */
export function changedDefinitionFields(before: DefinitionFields, after: DefinitionFields): string[] {
  return Object.entries(UPDATABLE_DEFINITION_FIELDS)
    .filter(([, field]) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map(([path]) => path);
}

/** Option values the change removes, which no customer may still hold. */
export function removedOptions(before: DefinitionFields, after: DefinitionFields): string[] {
  const kept = new Set(after.options.map((option) => option.value));
  return before.options.map((option) => option.value).filter((value) => !kept.has(value));
}
