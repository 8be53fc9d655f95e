import type { Principal } from '@liaison/auth';
import { csvLine, UTF8_BOM } from '../files/csv-writer';
import { plainNumber } from '../files/plain-number';
import { XlsxWriter, type SheetCell } from '../files/xlsx';
import type { CustomFieldDefinition } from './custom-field';
import type { CustomFieldService } from './custom-field-service';
import { formatCustomFieldValue, LIST_SEPARATORS, type CustomFieldValue } from './custom-field-values';
import type { Customer } from './customer';
import type { CustomerService, ListQuery } from './customer-service';
import { CATEGORY_ZH, IMPORT_COLUMNS, KIND_ZH, majorAmountOf, type ColumnKey } from './import-columns';
import { customFieldHeadings } from './import-custom-fields';

// CUS-14 export: every customer of the caller's data scope that matches the filters of the
// customer list, as CSV or XLSX. It pages through the list use case itself (keyset paging in
// creation order), so filters and scope are those of ListCustomers by construction; memory holds
// one page, and the next page is read only once the previous one has been sent (backpressure).
// Keyset pages rather than one long cursor: a slow download holds no transaction open, and
// creation order is stable, so every customer existing when the export starts appears once.

export type ExportFormat = 'csv' | 'xlsx';
export type ColumnLanguage = 'en' | 'zh';

export type ExportFilter = Omit<ListQuery, 'pageSize' | 'pageToken' | 'sort'>;

const PAGE_SIZE = 200;
// The XLSX zip is read from memory as it grows; wait for the reader above this many bytes.
const XLSX_BUFFER_BYTES = 1 << 20;

type ExportColumn = { key: string; zh: string; value: (customer: Customer, language: ColumnLanguage) => string };

const text = (value: string | null) => value ?? '';
const importColumn = (key: ColumnKey) => IMPORT_COLUMNS.find((column) => column.key === key)!.zh;

// The import's columns (so an export can be imported again) plus the record's own facts.
const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { key: 'id', zh: '客户编号', value: (c) => c.id },
  { key: 'name', zh: importColumn('name'), value: (c) => c.name },
  { key: 'kind', zh: importColumn('kind'), value: (c, lang) => (lang === 'zh' ? KIND_ZH[c.kind] : c.kind) },
  { key: 'category', zh: importColumn('category'), value: (c, lang) => (lang === 'zh' ? CATEGORY_ZH[c.category] : c.category) },
  { key: 'phone', zh: importColumn('phone'), value: (c) => text(c.phone) },
  { key: 'email', zh: importColumn('email'), value: (c) => text(c.email) },
  { key: 'industry', zh: importColumn('industry'), value: (c) => text(c.industry) },
  { key: 'source', zh: importColumn('source'), value: (c) => text(c.source) },
  { key: 'nature', zh: importColumn('nature'), value: (c) => text(c.nature) },
  { key: 'province', zh: importColumn('province'), value: (c) => text(c.province) },
  { key: 'city', zh: importColumn('city'), value: (c) => text(c.city) },
  { key: 'star_rating', zh: importColumn('star_rating'), value: (c) => String(c.starRating) },
  {
    key: 'is_target',
    zh: importColumn('is_target'),
    value: (c, lang) => (lang === 'zh' ? (c.isTarget ? '是' : '否') : String(c.isTarget)),
  },
  {
    key: 'credit_limit',
    zh: importColumn('credit_limit'),
    value: (c) => (c.creditLimit ? majorAmountOf(c.creditLimit.minorUnits, c.creditLimit.currencyCode) : ''),
  },
  { key: 'credit_currency', zh: importColumn('credit_currency'), value: (c) => c.creditLimit?.currencyCode ?? '' },
  { key: 'owner_id', zh: '负责人编号', value: (c) => text(c.ownerId) },
  { key: 'owner_unit', zh: '所属部门', value: (c) => text(c.ownerUnit) },
  { key: 'deal_date', zh: '成交日期', value: (c) => text(c.dealDate) },
  { key: 'created_at', zh: '创建时间', value: (c) => c.createdAt.toISOString() },
  { key: 'updated_at', zh: '更新时间', value: (c) => c.updatedAt.toISOString() },
];

/**
 * A custom field value as a cell: option labels (multi-option ones joined with 、), dates
 * YYYY-MM-DD and plain numbers, which the import reads back; XLSX gets number and date cells.
 */
export function customFieldCell(definition: CustomFieldDefinition, value: CustomFieldValue | undefined, format: ExportFormat): SheetCell {
  if (value === undefined) return format === 'xlsx' ? null : '';
  if (typeof value === 'number') return format === 'xlsx' ? value : plainNumber(value);
  if (definition.type === 'date' && format === 'xlsx' && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  if (Array.isArray(value)) return value.map((item) => optionCell(definition, item)).join('、');
  return formatCustomFieldValue(definition, value);
}

// A label holding a list separator would split on import; its value reads back as the option.
function optionCell(definition: CustomFieldDefinition, value: string): string {
  const label = formatCustomFieldValue({ ...definition, type: 'option' }, value);
  return LIST_SEPARATORS.test(label) ? value : label;
}

/** The columns of one export: the built-in ones, then one per enabled custom field. */
class ExportLayout {
  private readonly customHeadings: string[];

  constructor(
    private readonly language: ColumnLanguage,
    private readonly definitions: CustomFieldDefinition[],
  ) {
    this.customHeadings = customFieldHeadings(definitions, language);
  }

  header(): string[] {
    return [...EXPORT_COLUMNS.map((column) => (this.language === 'zh' ? column.zh : column.key)), ...this.customHeadings];
  }

  cells(customer: Customer, format: ExportFormat): SheetCell[] {
    return [
      ...EXPORT_COLUMNS.map((column) => column.value(customer, this.language)),
      ...this.definitions.map((definition) => customFieldCell(definition, customer.customFields[definition.key], format)),
    ];
  }

  csvRow(customer: Customer): string {
    return csvLine(this.cells(customer, 'csv') as string[]);
  }
}

export class ExportService {
  constructor(
    private readonly customers: CustomerService,
    private readonly customFields: CustomFieldService,
  ) {}

  /** The file in chunks; `send` resolves when the consumer has room for more. */
  async write(
    principal: Principal,
    filter: ExportFilter,
    format: ExportFormat,
    language: ColumnLanguage,
    send: (chunk: Buffer) => Promise<void>,
  ): Promise<void> {
    const layout = new ExportLayout(language, await this.customFields.list(principal, false));
    if (format === 'csv') await this.writeCsv(principal, filter, layout, send);
    else await this.writeXlsx(principal, filter, language, layout, send);
  }

  private async *pages(principal: Principal, filter: ExportFilter): AsyncGenerator<Customer[]> {
    let pageToken = '';
    do {
      const page = await this.customers.list(principal, { ...filter, sort: 'oldest', pageSize: PAGE_SIZE, pageToken });
      if (page.customers.length > 0) yield page.customers;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /**
   * The pages with the first one already read, so that a filter the list refuses is refused
   * before the first byte of the file: after it, a refusal could only cut the download short.
   */
  private async firstPageRead(principal: Principal, filter: ExportFilter): Promise<AsyncIterable<Customer[]>> {
    const pages = this.pages(principal, filter);
    const first = await pages.next();
    return (async function* () {
      if (!first.done) yield first.value;
      yield* pages;
    })();
  }

  private async writeCsv(
    principal: Principal,
    filter: ExportFilter,
    layout: ExportLayout,
    send: (chunk: Buffer) => Promise<void>,
  ): Promise<void> {
    const pages = await this.firstPageRead(principal, filter);
    await send(Buffer.from(UTF8_BOM + csvLine(layout.header())));
    for await (const customers of pages) {
      await send(Buffer.from(customers.map((customer) => layout.csvRow(customer)).join('')));
    }
  }

  private async writeXlsx(
    principal: Principal,
    filter: ExportFilter,
    language: ColumnLanguage,
    layout: ExportLayout,
    send: (chunk: Buffer) => Promise<void>,
  ): Promise<void> {
    const pages = await this.firstPageRead(principal, filter);
    const writer = new XlsxWriter(language === 'zh' ? '客户' : 'customers');
    let failure: unknown;
    const pumped = pump(writer.output, send).catch((error: unknown) => {
      failure = error;
    });
    writer.addRow(layout.header());
    for await (const customers of pages) {
      for (const customer of customers) writer.addRow(layout.cells(customer, 'xlsx'));
      while (writer.output.readableLength > XLSX_BUFFER_BYTES && failure === undefined)
        await new Promise((resolve) => setTimeout(resolve, 5));
      if (failure !== undefined) throw failure;
    }
    await writer.finish();
    await pumped;
    if (failure !== undefined) throw failure;
  }
}

// Forwards the zip bytes as they come; its rejection is the consumer's failure (a cancelled call).
async function pump(output: NodeJS.ReadableStream, send: (chunk: Buffer) => Promise<void>): Promise<void> {
  for await (const chunk of output) await send(chunk as Buffer);
}
