import { AppError } from '@liaison/runtime';
import type { CustomerKind } from './customer';
import type { Category } from './lifecycle';

// The columns of customer files, shared by import and export: an English key (the API's field
// name) and the Chinese heading Chinese users write, plus the other headings they commonly use.
// Values of enumerations are accepted in both languages as well.

export type ColumnKey =
  | 'name'
  | 'kind'
  | 'phone'
  | 'email'
  | 'industry'
  | 'source'
  | 'nature'
  | 'province'
  | 'city'
  | 'star_rating'
  | 'category'
  | 'is_target'
  | 'credit_limit'
  | 'credit_currency'
  | 'owner';

export interface ColumnSpec {
  key: ColumnKey;
  zh: string;
  aliases: string[];
}

export const IMPORT_COLUMNS: readonly ColumnSpec[] = [
  { key: 'name', zh: '客户名称', aliases: ['名称', '客户名', '公司名称', '企业名称', 'customer name'] },
  { key: 'kind', zh: '客户类型', aliases: ['类型'] },
  { key: 'phone', zh: '电话', aliases: ['联系电话', '手机', '手机号', '电话号码', 'telephone', 'mobile'] },
  { key: 'email', zh: '邮箱', aliases: ['电子邮箱', '电子邮件', '邮件', 'e-mail', 'mail'] },
  { key: 'industry', zh: '行业', aliases: ['所属行业'] },
  { key: 'source', zh: '来源', aliases: ['客户来源'] },
  { key: 'nature', zh: '性质', aliases: ['客户性质', '企业性质'] },
  { key: 'province', zh: '省份', aliases: ['省', '所在省份'] },
  { key: 'city', zh: '城市', aliases: ['市', '所在城市'] },
  { key: 'star_rating', zh: '星级', aliases: ['客户星级', 'stars', 'star rating'] },
  { key: 'category', zh: '客户类别', aliases: ['类别', '客户分类'] },
  { key: 'is_target', zh: '目标客户', aliases: ['是否目标客户', 'target'] },
  { key: 'credit_limit', zh: '信用额度', aliases: ['授信额度', 'credit limit'] },
  { key: 'credit_currency', zh: '币种', aliases: ['货币', 'currency'] },
  { key: 'owner', zh: '负责人', aliases: ['归属人', '销售负责人', 'owner id', 'owner_id'] },
];

const HEADING_TO_KEY = new Map<string, ColumnKey>(
  IMPORT_COLUMNS.flatMap((column) =>
    [column.key, column.zh, ...column.aliases].map((heading) => [normaliseHeading(heading), column.key] as const),
  ),
);

/** A heading as compared: NFKC, case, spaces and underscores, and the * of required columns do not count. */
export function normaliseHeading(heading: string): string {
  return heading
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .replace(/[*＊]/g, '');
}

/** Whether a heading names a built-in column; built-in columns win over custom fields of the same name. */
export function isBuiltInHeading(heading: string): boolean {
  return HEADING_TO_KEY.has(normaliseHeading(heading));
}

/** Where each known column is in the header row; unknown headings are ignored. */
export type ColumnIndex = Partial<Record<ColumnKey, { index: number; heading: string }>>;

/** Maps a header row; refuses a file without a name column or with a column given twice. */
export function mapHeader(cells: readonly string[]): ColumnIndex {
  const columns: ColumnIndex = {};
  cells.forEach((heading, index) => {
    const key = HEADING_TO_KEY.get(normaliseHeading(heading.replace(/^\uFEFF/, '')));
    if (!key) return;
    if (columns[key]) {
      throw AppError.invalid('a column appears twice in the header row', [
        { field: 'file', message: `"${columns[key].heading}" and "${heading}" both mean ${key}` },
      ]);
    }
    columns[key] = { index, heading: heading.trim() };
  });
  if (!columns.name) {
    throw AppError.invalid('the header row has no customer name column', [
      { field: 'file', message: 'the first row must name the columns, one of them 客户名称 (or name)' },
    ]);
  }
  return columns;
}

const KIND_WORDS: Record<string, CustomerKind> = {
  company: 'company',
  企业: 'company',
  公司: 'company',
  单位: 'company',
  企业客户: 'company',
  person: 'person',
  个人: 'person',
  个人客户: 'person',
};

const CATEGORY_WORDS: Record<string, Category> = {
  potential: 'potential',
  潜在: 'potential',
  潜在客户: 'potential',
  intentional: 'intentional',
  意向: 'intentional',
  意向客户: 'intentional',
  key: 'key',
  重点: 'key',
  重点客户: 'key',
  deal: 'deal',
  成交: 'deal',
  成交客户: 'deal',
  invalid: 'invalid',
  无效: 'invalid',
  无效客户: 'invalid',
  shelved: 'shelved',
  搁置: 'shelved',
  搁置客户: 'shelved',
};

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', '是', '对', '√']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '否', '不是', '×']);

export const KIND_ZH: Record<CustomerKind, string> = { company: '企业', person: '个人' };
export const CATEGORY_ZH: Record<Category, string> = {
  potential: '潜在',
  intentional: '意向',
  key: '重点',
  deal: '成交',
  invalid: '无效',
  shelved: '搁置',
};

const word = (text: string) => text.normalize('NFKC').trim().toLowerCase();

export function kindOf(text: string): CustomerKind | undefined {
  return Object.hasOwn(KIND_WORDS, word(text)) ? KIND_WORDS[word(text)] : undefined;
}

export function categoryOf(text: string): Category | undefined {
  return Object.hasOwn(CATEGORY_WORDS, word(text)) ? CATEGORY_WORDS[word(text)] : undefined;
}

export function flagOf(text: string): boolean | undefined {
  const value = word(text);
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  return undefined;
}

// Currencies without minor units; every other one has two (fen for CNY).
const ZERO_DECIMAL_CURRENCIES = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);

export function minorDigitsOf(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency) ? 0 : 2;
}

/** "1,000,000.50" or "１０００" in major units → integer minor units; undefined if not a plain amount. */
export function minorUnitsOf(text: string, currency: string): number | undefined {
  const amount = text
    .normalize('NFKC')
    .trim()
    .replace(/^[¥￥]/, '')
    .replace(/,/g, '');
  const digits = minorDigitsOf(currency);
  const match = /^(\d{1,16})(?:\.(\d+))?$/.exec(amount);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}

/** Minor units as the major-unit amount a spreadsheet shows, e.g. 123456 → "1234.56". */
export function majorAmountOf(minorUnits: number, currency: string): string {
  const digits = minorDigitsOf(currency);
  if (digits === 0) return String(minorUnits);
  const text = String(minorUnits).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
