import { AppError } from '@liaison/runtime';
import { cleanText, validateFields, type CustomerFields } from './customer';
import { categoryOf, flagOf, kindOf, minorUnitsOf, type ColumnIndex, type ColumnKey } from './import-columns';
import type { CreateError, RowError } from './import-errors';
import { INITIAL_CATEGORIES, type Category } from './lifecycle';

// One file row → one customer to stage, or the reasons it cannot be imported. The fields go
// through validateFields, the very rules of CreateCustomer; this file only turns spreadsheet
// text into typed fields (是/否, 星级, amounts in yuan) and says which column a rule is about.

export type AssignTo = 'importer' | 'pool';

export interface Importer {
  userId: string;
  username: string;
}

export interface StagedRow {
  rowNo: number;
  fields: CustomerFields;
  phoneDigits: string;
  category: Category;
  owned: boolean;
  /** Columns with a value: an update overwrites only these (custom fields: those in fields.customFields). */
  filled: ColumnKey[];
  /** Refusals if the row creates a customer rather than updating one. */
  createErrors: CreateError[];
}

export type RowResult = { ok: true; row: StagedRow } | { ok: false; errors: RowError[] };

const POOL_WORDS = new Set(['公海', '公海池', 'pool', '无']);
const DEFAULT_CURRENCY = 'CNY';

// validateFields names fields by their API path; the report names the file's column.
const COLUMN_OF_FIELD: Record<string, ColumnKey> = {
  'name': 'name',
  'kind': 'kind',
  'phone': 'phone',
  'email': 'email',
  'industry': 'industry',
  'source': 'source',
  'star_rating': 'star_rating',
  'nature': 'nature',
  'region.province': 'province',
  'region.city': 'city',
  'credit_limit.minor_units': 'credit_limit',
  'credit_limit.currency_code': 'credit_currency',
};

export function columnOfField(field: string): ColumnKey {
  return COLUMN_OF_FIELD[field] ?? 'name';
}

type Cells = (key: ColumnKey) => string;

export function checkRow(rowNo: number, cells: readonly string[], columns: ColumnIndex, importer: Importer, assignTo: AssignTo): RowResult {
  const cell: Cells = (key) => {
    const column = columns[key];
    return column ? (cells[column.index] ?? '').trim() : '';
  };
  const errors: RowError[] = [];
  const refuse = (key: ColumnKey, message: string) =>
    errors.push({ rowNo, column: columns[key]?.heading ?? key, value: cell(key), message });
  const typed = typedCells(cell, refuse, importer, assignTo);
  const fields = fieldsOf(cell, typed);
  try {
    validateFields(fields);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    for (const violation of error.violations) refuse(columnOfField(violation.field), violation.message);
  }
  if (errors.length > 0) return { ok: false, errors };
  const filled = (Object.keys(columns) as ColumnKey[]).filter((key) => cell(key) !== '');
  return {
    ok: true,
    row: {
      rowNo,
      fields,
      phoneDigits: (fields.phone ?? '').replace(/[^0-9]/g, ''),
      category: typed.category,
      owned: typed.owned,
      filled,
      createErrors: [],
    },
  };
}

interface TypedCells {
  kind: CustomerFields['kind'];
  starRating: number;
  isTarget: boolean;
  creditLimit: CustomerFields['creditLimit'];
  category: Category;
  owned: boolean;
}

function typedCells(cell: Cells, refuse: (key: ColumnKey, message: string) => void, importer: Importer, assignTo: AssignTo): TypedCells {
  const typed: TypedCells = {
    kind: 'company',
    starRating: 0,
    isTarget: false,
    creditLimit: null,
    category: 'potential',
    owned: assignTo === 'importer',
  };
  if (cell('kind')) {
    const kind = kindOf(cell('kind'));
    if (kind) typed.kind = kind;
    else refuse('kind', 'must be company (企业) or person (个人)');
  }
  if (cell('star_rating')) {
    const stars = /^\d{1,2}$/.test(cell('star_rating')) ? Number(cell('star_rating')) : Number.NaN;
    if (Number.isNaN(stars)) refuse('star_rating', 'must be an integer from 0 to 5');
    else typed.starRating = stars; // out of range: validateFields says so
  }
  if (cell('is_target')) {
    const flag = flagOf(cell('is_target'));
    if (flag === undefined) refuse('is_target', 'must be 是 or 否 (yes or no)');
    else typed.isTarget = flag;
  }
  if (cell('category')) {
    const category = categoryOf(cell('category'));
    if (category && INITIAL_CATEGORIES.includes(category)) typed.category = category;
    else refuse('category', 'must be potential (潜在), intentional (意向) or key (重点); confirm deals after the import');
  }
  typed.creditLimit = creditOf(cell, refuse);
  const owner = ownerOf(cell('owner'), importer);
  if (owner === 'other')
    refuse('owner', `must be yourself (${importer.username}) or 公海 (pool); assign customers to others after the import`);
  else if (owner !== undefined) typed.owned = owner === 'importer';
  return typed;
}

function creditOf(cell: Cells, refuse: (key: ColumnKey, message: string) => void): CustomerFields['creditLimit'] {
  const amount = cell('credit_limit');
  const currency = (cell('credit_currency') || DEFAULT_CURRENCY).toUpperCase();
  if (!amount) {
    if (cell('credit_currency')) refuse('credit_currency', 'needs a credit limit');
    return null;
  }
  const minorUnits = minorUnitsOf(amount, currency);
  if (minorUnits === undefined) {
    refuse('credit_limit', 'must be an amount such as 100000 or 100,000.00');
    return null;
  }
  return { minorUnits, currencyCode: currency };
}

function ownerOf(text: string, importer: Importer): 'importer' | 'pool' | 'other' | undefined {
  if (!text) return undefined;
  if (POOL_WORDS.has(text.toLowerCase())) return 'pool';
  if (text === importer.userId || text.toLowerCase() === importer.username.toLowerCase()) return 'importer';
  return 'other';
}

function fieldsOf(cell: Cells, typed: TypedCells): CustomerFields {
  return {
    name: cleanText(cell('name')) ?? '',
    kind: typed.kind,
    phone: cleanText(cell('phone')),
    email: cleanText(cell('email'))?.toLowerCase() ?? null,
    industry: cleanText(cell('industry')),
    source: cleanText(cell('source')),
    starRating: typed.starRating,
    creditLimit: typed.creditLimit,
    nature: cleanText(cell('nature')),
    province: cleanText(cell('province')),
    city: cleanText(cell('city')),
    isTarget: typed.isTarget,
    customFields: {},
  };
}
