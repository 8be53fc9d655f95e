import { AppError, type FieldViolation } from '@liaison/runtime';

// Base data (基础数据): the lists customers choose their source, industry, nature and region
// from, and the target flags. Entries are identified by kind and code; customers store the name.

export const BASE_DATA_KINDS = ['source', 'industry', 'nature', 'target_flag', 'province', 'city'] as const;
export type BaseDataKind = (typeof BASE_DATA_KINDS)[number];

export interface BaseDataEntry {
  kind: BaseDataKind;
  code: string;
  name: string;
  nameEn: string | null;
  sortOrder: number;
  enabled: boolean;
  /** Cities: the code of their province; null for every other kind. */
  parentCode: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export interface NewBaseDataEntry {
  kind: BaseDataKind;
  code: string;
  name: string;
  nameEn: string | null;
  sortOrder: number;
  parentCode: string | null;
}

export type EntryChanges = Partial<Pick<BaseDataEntry, 'name' | 'nameEn' | 'sortOrder' | 'enabled'>>;

/** Update mask paths (snake_case) and the entry fields they change. */
export const UPDATABLE_ENTRY_FIELDS: Record<string, keyof EntryChanges> = {
  name: 'name',
  name_en: 'nameEn',
  sort_order: 'sortOrder',
  enabled: 'enabled',
};

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_NAME = 100;
const MAX_SORT = 1_000_000_000;

export function isBaseDataKind(value: string): value is BaseDataKind {
  return (BASE_DATA_KINDS as readonly string[]).includes(value);
}

/** NFC (so the same Chinese name always compares equal), trimmed; empty → null. */
export function cleanName(value: string | null | undefined): string | null {
  const text = value?.normalize('NFC').trim();
  return text ? text : null;
}

function nameProblem(name: string | null, required: boolean): string | undefined {
  if (name === null) return required ? 'is required' : undefined;
  if ([...name].length > MAX_NAME) return `must be at most ${MAX_NAME} characters`;
  if (CONTROL_CHARS.test(name)) return 'must not contain control characters';
  return undefined;
}

/** Problems of a new entry's own fields, by field name; the parent's existence is checked elsewhere. */
export function newEntryViolations(entry: NewBaseDataEntry): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (field: string, message: string | undefined) => message && violations.push({ field, message });
  add(
    'code',
    CODE_PATTERN.test(entry.code) ? undefined : 'must be 1 to 64 ASCII letters, digits, "_", "-" or ".", starting with a letter or digit',
  );
  add('name', nameProblem(entry.name || null, true));
  add('name_en', nameProblem(entry.nameEn, false));
  add('sort_order', sortProblem(entry.sortOrder));
  if (entry.kind === 'city') add('parent_code', entry.parentCode ? undefined : 'a city needs the code of its province');
  else add('parent_code', entry.parentCode ? `a ${entry.kind} has no parent` : undefined);
  return violations;
}

function sortProblem(sortOrder: number | undefined): string | undefined {
  return sortOrder === undefined || (Number.isInteger(sortOrder) && Math.abs(sortOrder) <= MAX_SORT)
    ? undefined
    : `must be a whole number within ±${MAX_SORT}`;
}

export function checkNewEntry(entry: NewBaseDataEntry): void {
  const violations = newEntryViolations(entry);
  if (violations.length > 0) throw AppError.invalid('base data entry is invalid', violations);
}

export function checkChanges(changes: EntryChanges): void {
  const violations: FieldViolation[] = [];
  const add = (field: string, message: string | undefined) => message && violations.push({ field, message });
  if ('name' in changes) add('name', nameProblem(changes.name ?? null, true));
  if ('nameEn' in changes) add('name_en', nameProblem(changes.nameEn ?? null, false));
  if ('sortOrder' in changes) add('sort_order', sortProblem(changes.sortOrder));
  if (violations.length > 0) throw AppError.invalid('base data entry is invalid', violations);
}

/** snake_case names of the fields the changes really alter. */
export function changedEntryFields(entry: BaseDataEntry, changes: EntryChanges): string[] {
  return Object.entries(UPDATABLE_ENTRY_FIELDS)
    .filter(([, field]) => field in changes && changes[field] !== entry[field])
    .map(([path]) => path);
}

export function kindLabel(kind: BaseDataKind): string {
  return kind.replace('_', ' ');
}
