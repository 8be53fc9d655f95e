import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { customerV1, customFieldV1, importExportV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { ensureDatabase } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { csvRows, importExportCalls } from './import-export-support';
import { callerMetadata, startServiceUnderTest } from './support';

// See import-export.int.test.ts: the production exceljs fix goes in through jest.mock here.
jest.mock('exceljs/lib/utils/parse-sax', () =>
  jest.requireActual('../src/files/exceljs-fix').parseSaxAcrossChunks(jest.requireActual('saxes')),
);

// CUS-17 custom fields in CUS-14 imports and exports, the service in-process against the real
// stack. Custom field definitions hold for a whole database, so this suite has its own, and
// switches off what earlier runs left enabled (a required field would refuse every new row).

const {
  TransferFileFormat: Format,
  DuplicateHandling: Duplicates,
  DuplicateKey: Key,
  CustomerImportStatus: Status,
  ColumnLanguage: Language,
} = importExportV1;
const { CustomFieldType: T, ReferenceTarget } = customFieldV1;
const RUN = Date.now().toString(36);
const key = (name: string) => `${name}_${RUN}`;
const label = (name: string) => `${name}${RUN}`;
let service: RunningCustomerService;
let imports: importExportV1.CustomerImportServiceClient;
let exports: importExportV1.CustomerExportServiceClient;
let customers: customerV1.CustomerServiceClient;
let fields: customFieldV1.CustomFieldServiceClient;
let pool: Pool;

const as = callerMetadata;
const {
  importFile,
  errorReport,
  exportFile: exportRequest,
} = importExportCalls(() => ({ imports, exports }), { fileName: `字段扩展-${RUN}.csv`, chunkBytes: 11 });

type DefinitionInput = Partial<Omit<customFieldV1.CustomFieldDefinition, 'constraints'>> & {
  constraints?: Partial<customFieldV1.CustomFieldConstraints>;
};

const define = async (definition: DefinitionInput) =>
  (
    await unary(
      fields.createCustomFieldDefinition.bind(fields),
      { definition: customFieldV1.CustomFieldDefinition.fromPartial(definition) },
      await as('admin'),
    )
  ).definition!;

const redefine = async (fieldKey: string, definition: DefinitionInput, updateMask: string[]) =>
  unary(
    fields.updateCustomFieldDefinition.bind(fields),
    customFieldV1.UpdateCustomFieldDefinitionRequest.fromPartial({ key: fieldKey, definition, updateMask }),
    await as('admin'),
  );

// The fields every test uses: one of each type.
const NOTE = { key: key('note'), label: label('备注') };
const REVENUE = { key: key('revenue'), label: label('年营业额') };
const FOUNDED = { key: key('founded'), label: label('成立日期') };
const LEVEL = { key: key('level'), label: label('客户级别') };
const TAGS = { key: key('tags'), label: label('客户标签') };
const PARENT = { key: key('parent'), label: label('上级公司') };
const BUYER = { key: key('buyer'), label: label('采购联系人') };
const EVERY_TYPE = [NOTE, REVENUE, FOUNDED, LEVEL, TAGS, PARENT, BUYER];
const CLASHING_LABEL = '手机';

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_import_custom_fields_it');
  service = await startServiceUnderTest('customer-import-custom-fields-it', databaseUrl, {
    IMPORT_CHUNK_ROWS: '3',
    PROJECTIONS_ENABLED: 'false',
    POOL_RULE_INTERVAL_MS: '0',
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = (name: string) => ({ serviceName: `liaison.customer.v1.${name}`, idempotentMethods: [], deadlineMs: 30_000 });
  imports = createGrpcClient(importExportV1.CustomerImportServiceClient, address, options('CustomerImportService'));
  exports = createGrpcClient(importExportV1.CustomerExportServiceClient, address, options('CustomerExportService'));
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, options('CustomerService'));
  fields = createGrpcClient(customFieldV1.CustomFieldServiceClient, address, options('CustomFieldService'));
  pool = createPool(databaseUrl);
  await pool.query('UPDATE custom_field_definitions SET enabled = false WHERE enabled');
  await pool.query(
    'DELETE FROM custom_field_definitions d WHERE label = $1 AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.custom_fields ? d.key)',
    [CLASHING_LABEL],
  );
  await define({ ...NOTE, type: T.CUSTOM_FIELD_TYPE_TEXT, constraints: { maxLength: 10 }, sortOrder: 1 });
  await define({ ...REVENUE, type: T.CUSTOM_FIELD_TYPE_NUMBER, constraints: { min: 0, decimals: 2 }, sortOrder: 2 });
  await define({ ...FOUNDED, type: T.CUSTOM_FIELD_TYPE_DATE, constraints: { minDate: '1900-01-01' }, sortOrder: 3 });
  await define({
    ...LEVEL,
    type: T.CUSTOM_FIELD_TYPE_OPTION,
    options: [
      { value: 'a', label: 'A级' },
      { value: 'b', label: 'B级' },
    ],
    sortOrder: 4,
  });
  await define({
    ...TAGS,
    type: T.CUSTOM_FIELD_TYPE_MULTI_OPTION,
    options: [
      { value: 'vip', label: '贵宾' },
      { value: 'gov', label: '政府项目' },
      { value: 'export', label: '出口' },
    ],
    sortOrder: 5,
  });
  await define({
    ...PARENT,
    type: T.CUSTOM_FIELD_TYPE_REFERENCE,
    referenceTarget: ReferenceTarget.REFERENCE_TARGET_CUSTOMER,
    sortOrder: 6,
  });
  await define({ ...BUYER, type: T.CUSTOM_FIELD_TYPE_REFERENCE, referenceTarget: ReferenceTarget.REFERENCE_TARGET_CONTACT, sortOrder: 7 });
});

afterAll(async () => {
  imports?.close();
  exports?.close();
  customers?.close();
  fields?.close();
  await pool?.end();
  await service?.host.stop();
});

// ---------------------------------------------------------------------------------------------

/** The error report as "row column: message" lines, and the values by row and column. */
async function errorLines(user: string, id: string): Promise<string[][]> {
  return csvRows(await errorReport(user, id)).slice(1);
}

const exportFile = (
  user: string,
  nameContains: string,
  format: importExportV1.TransferFileFormat,
  columnLanguage: importExportV1.ColumnLanguage,
) => exportRequest(user, { filter: { nameContains }, format, columnLanguage });

const utf8Csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');

async function listByName(user: string, name: string): Promise<customerV1.Customer[]> {
  return (
    await unary(
      customers.listCustomers.bind(customers),
      customerV1.ListCustomersRequest.fromPartial({ nameContains: name, page: { pageSize: 200 } }),
      await as(user),
    )
  ).customers;
}

async function create(user: string, name: string, customFields: Record<string, unknown> = {}): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({ name, kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY, customFields });
  return (await unary(customers.createCustomer.bind(customers), request, await as(user))).customer!;
}

async function insertContact(customerId: string): Promise<string> {
  const id = randomUUID();
  await pool.query('INSERT INTO contacts (id, customer_id, name, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)', [
    id,
    customerId,
    `联系人${RUN}`,
    'test',
  ]);
  return id;
}

const byName = (list: customerV1.Customer[]) => new Map(list.map((customer) => [customer.name, customer]));

// ---------------------------------------------------------------------------------------------

describe('importing custom field columns', () => {
  it('imports every type by label or key, and refuses bad cells per row and column in the error report', async () => {
    const marker = `字段导入${RUN}`;
    const parent = await create('manager.east', `${marker}母公司`);
    const buyer = await insertContact(parent.id);
    const outside = await create('rep.west.1', `${marker}西区公司`);
    const file = utf8Csv([
      `客户名称,${NOTE.label},${REVENUE.key},*${FOUNDED.label},${LEVEL.label},${TAGS.label},${PARENT.label},${BUYER.key},不认识的列`,
      `${marker}全对,华东大区,"1,234,567.5",2024/3/5,B级,"贵宾、政府项目",${parent.id.toUpperCase()},${buyer},x`,
      `${marker}值与代码,,１２３,2024-12-01,a,vip;export,,,`,
      `${marker}空值,,,,,,,,`,
      `${marker}太长,一二三四五六七八九十一,,,,,,,`,
      `${marker}坏数字,,十二,,,,,,`,
      `${marker}坏日期,,,2024-02-30,,,,,`,
      `${marker}坏选项,,,,C级,"贵宾，黑名单",,,`,
      `${marker}范围外,,,,,,${outside.id},,`,
      `${marker}不是编号,,-5,,,,not-an-id,,`,
      `,备注,,,,,,,`,
    ]);
    const job = await importFile('manager.east', file);
    expect(job.status).toBe(Status.CUSTOMER_IMPORT_STATUS_COMPLETED);
    expect(job.stats).toMatchObject({ total: 10, imported: 3, failed: 7 });

    const imported = byName(await listByName('manager.east', marker));
    expect(imported.get(`${marker}全对`)?.customFields).toEqual({
      [NOTE.key]: '华东大区',
      [REVENUE.key]: 1234567.5,
      [FOUNDED.key]: '2024-03-05',
      [LEVEL.key]: 'b',
      [TAGS.key]: ['vip', 'gov'],
      [PARENT.key]: parent.id,
      [BUYER.key]: buyer,
    });
    expect(imported.get(`${marker}值与代码`)?.customFields).toEqual({
      [REVENUE.key]: 123,
      [FOUNDED.key]: '2024-12-01',
      [LEVEL.key]: 'a',
      [TAGS.key]: ['vip', 'export'],
    });
    expect(imported.get(`${marker}空值`)?.customFields).toEqual({});

    const report = await errorLines('manager.east', job.id);
    expect(report).toEqual(
      expect.arrayContaining([
        ['5', NOTE.label, '一二三四五六七八九十一', 'must be at most 10 characters'],
        ['6', REVENUE.key, '十二', '十二 is not a number'],
        ['7', `*${FOUNDED.label}`, '2024-02-30', 'must be a date YYYY-MM-DD'],
        ['8', LEVEL.label, 'C级', 'C级 is not an option of this field'],
        ['8', TAGS.label, '贵宾，黑名单', '黑名单 is not an option of this field'],
        ['9', PARENT.label, outside.id, 'no customer with this id'],
        ['10', REVENUE.key, '-5', 'must be at least 0'],
        ['10', PARENT.label, 'not-an-id', 'must be the id (UUID) of a record'],
        ['11', '客户名称', '', expect.any(String)],
      ]),
    );
    expect(report).toHaveLength(9);
    expect(imported.has(`${marker}范围外`)).toBe(false);
  });

  it('reads XLSX number and date cells as typed', async () => {
    const marker = `字段表格${RUN}`;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', REVENUE.label, FOUNDED.label, TAGS.label]);
    sheet.addRow([`${marker}甲`, 20000.25, new Date(Date.UTC(2023, 10, 9)), '出口, 贵宾']);
    sheet.getCell('C2').numFmt = 'yyyy"年"m"月"d"日"';
    sheet.addRow([`${marker}乙`, '3,000', '2023/1/2', null]);
    const job = await importFile('manager.east', Buffer.from(await workbook.xlsx.writeBuffer()), {
      format: Format.TRANSFER_FILE_FORMAT_XLSX,
      fileName: '字段.xlsx',
    });
    expect(job.stats).toMatchObject({ total: 2, imported: 2, failed: 0 });
    const imported = byName(await listByName('manager.east', marker));
    expect(imported.get(`${marker}甲`)?.customFields).toEqual({
      [REVENUE.key]: 20000.25,
      [FOUNDED.key]: '2023-11-09',
      [TAGS.key]: ['export', 'vip'],
    });
    expect(imported.get(`${marker}乙`)?.customFields).toEqual({ [REVENUE.key]: 3000, [FOUNDED.key]: '2023-01-02' });
  });

  it('leaves headings of built-in columns to them, and ignores disabled fields like unknown headings', async () => {
    const marker = `字段冲突${RUN}`;
    const clash = await define({ key: key('mobile'), label: CLASHING_LABEL, type: T.CUSTOM_FIELD_TYPE_TEXT });
    const disabled = await define({ key: key('old'), label: label('停用字段'), type: T.CUSTOM_FIELD_TYPE_NUMBER });
    await redefine(disabled.key, { enabled: false }, ['enabled']);
    try {
      const job = await importFile(
        'manager.east',
        utf8Csv([`客户名称,${CLASHING_LABEL},${disabled.label}`, `${marker}甲,13800000000,不是数字`]),
      );
      expect(job.stats).toMatchObject({ imported: 1, failed: 0 });
      const [customer] = await listByName('manager.east', marker);
      expect(customer).toMatchObject({ phone: '13800000000', customFields: {} });
    } finally {
      await unary(fields.deleteCustomFieldDefinition.bind(fields), { key: clash.key }, await as('admin'));
    }
  });

  it('enforces required fields on the customers an import creates, not on those it updates', async () => {
    const marker = `字段必填${RUN}`;
    await create('manager.east', `${marker}已有`);
    const required = await define({ key: key('region_code'), label: label('区域代码'), type: T.CUSTOM_FIELD_TYPE_TEXT, required: true });
    try {
      const file = utf8Csv([
        `客户名称,${required.label},${NOTE.label}`,
        `${marker}已有,,更新`,
        `${marker}缺少,,新建`,
        `${marker}齐全,R1,新建`,
      ]);
      const job = await importFile('manager.east', file, {
        duplicates: Duplicates.DUPLICATE_HANDLING_UPDATE,
        duplicateKey: Key.DUPLICATE_KEY_NAME,
      });
      expect(job.stats).toMatchObject({ total: 3, imported: 1, updated: 1, failed: 1 });
      expect(await errorLines('manager.east', job.id)).toEqual([['3', required.label, '', `is required (${required.label})`]]);
      const imported = byName(await listByName('manager.east', marker));
      expect(imported.get(`${marker}已有`)?.customFields).toEqual({ [NOTE.key]: '更新' });
      expect(imported.get(`${marker}齐全`)?.customFields).toEqual({ [required.key]: 'R1', [NOTE.key]: '新建' });
      expect(imported.has(`${marker}缺少`)).toBe(false);

      const withoutColumn = await importFile('manager.east', utf8Csv(['客户名称', `${marker}无列`]), {
        duplicates: Duplicates.DUPLICATE_HANDLING_CREATE,
      });
      expect(withoutColumn.stats).toMatchObject({ imported: 0, failed: 1 });
      expect(await errorLines('manager.east', withoutColumn.id)).toEqual([['2', required.label, '', `is required (${required.label})`]]);
    } finally {
      // The database outlives the run: an enabled required field would refuse every later row.
      await redefine(required.key, { enabled: false }, ['enabled']);
    }
  });

  it('merges on update: columns of the file overwrite, empty cells and absent columns keep the values', async () => {
    const marker = `字段合并${RUN}`;
    const customer = await create('manager.east', `${marker}甲`, {
      [NOTE.key]: '原备注',
      [LEVEL.key]: 'a',
      [TAGS.key]: ['vip'],
      [REVENUE.key]: 10,
    });
    const job = await importFile(
      'manager.east',
      utf8Csv([`客户名称,${LEVEL.label},${TAGS.label},${FOUNDED.key}`, `${marker}甲,B级,,2020-01-01`]),
      {
        duplicates: Duplicates.DUPLICATE_HANDLING_UPDATE,
        duplicateKey: Key.DUPLICATE_KEY_NAME,
      },
    );
    expect(job.stats).toMatchObject({ updated: 1, imported: 0, failed: 0 });
    const [merged] = await listByName('manager.east', marker);
    expect(merged).toMatchObject({ id: customer.id, version: customer.version + 1 });
    expect(merged.customFields).toEqual({
      [NOTE.key]: '原备注',
      [LEVEL.key]: 'b',
      [TAGS.key]: ['vip'],
      [REVENUE.key]: 10,
      [FOUNDED.key]: '2020-01-01',
    });
    const { rows } = await pool.query(
      "SELECT old_value, new_value FROM customer_history WHERE customer_id = $1 AND field = 'custom_fields'",
      [customer.id],
    );
    expect(rows).toEqual([{ old_value: customer.customFields, new_value: merged.customFields }]);

    const unchanged = await importFile('manager.east', utf8Csv([`客户名称,${LEVEL.key}`, `${marker}甲,b`]), {
      duplicates: Duplicates.DUPLICATE_HANDLING_UPDATE,
      duplicateKey: Key.DUPLICATE_KEY_NAME,
    });
    expect(unchanged.stats).toMatchObject({ updated: 0, skipped: 1 });
  });
});

describe('exporting custom field columns', () => {
  const marker = `字段导出${RUN}`;
  let parent: customerV1.Customer;
  const values = () => ({
    [NOTE.key]: '第一行\n第二行',
    [REVENUE.key]: 1234567.5,
    [FOUNDED.key]: '2024-03-05',
    [LEVEL.key]: 'b',
    [TAGS.key]: ['gov', 'vip'],
    [PARENT.key]: parent.id,
  });

  beforeAll(async () => {
    parent = await create('manager.east', `${marker}母公司`);
    await create('manager.east', `${marker}全字段`, values());
  });

  it('adds one column per enabled field after the built-in ones, with Chinese labels and readable values, in CSV', async () => {
    const [header, ...rows] = csvRows(
      await exportFile('manager.east', marker, Format.TRANSFER_FILE_FORMAT_CSV, Language.COLUMN_LANGUAGE_ZH),
    );
    const custom = EVERY_TYPE.map((field) => field.label);
    expect(header.slice(-custom.length)).toEqual(custom);
    expect(header.indexOf(NOTE.label)).toBeGreaterThan(header.indexOf('更新时间'));
    const row = rows.find((cells) => cells[1] === `${marker}全字段`)!;
    expect(row.slice(-custom.length)).toEqual(['第一行\n第二行', '1234567.5', '2024-03-05', 'B级', '政府项目、贵宾', parent.id, '']);

    const [english] = csvRows(await exportFile('manager.east', marker, Format.TRANSFER_FILE_FORMAT_CSV, Language.COLUMN_LANGUAGE_EN));
    expect(english.slice(-custom.length)).toEqual(EVERY_TYPE.map((field) => field.key));
  });

  it('writes numbers as number cells and dates as date cells in XLSX', async () => {
    const bytes = await exportFile('manager.east', marker, Format.TRANSFER_FILE_FORMAT_XLSX, Language.COLUMN_LANGUAGE_ZH);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as string[]).slice(1);
    const column = (name: string) => header.indexOf(name) + 1;
    const row = [2, 3].map((n) => sheet.getRow(n)).find((candidate) => candidate.getCell(2).value === `${marker}全字段`)!;
    expect(row.getCell(column(REVENUE.label)).value).toBe(1234567.5);
    expect(row.getCell(column(FOUNDED.label)).value).toEqual(new Date(Date.UTC(2024, 2, 5)));
    expect(row.getCell(column(FOUNDED.label)).numFmt).toBe('yyyy-mm-dd');
    expect(row.getCell(column(TAGS.label)).value).toBe('政府项目、贵宾');
    expect(row.getCell(column(LEVEL.label)).value).toBe('B级');
  });

  it('exports files that import back to the same values, as CSV and XLSX', async () => {
    for (const format of [Format.TRANSFER_FILE_FORMAT_CSV, Format.TRANSFER_FILE_FORMAT_XLSX]) {
      const before = await listByName('manager.east', marker);
      const bytes = await exportFile('manager.east', marker, format, Language.COLUMN_LANGUAGE_ZH);
      const job = await importFile('manager.east', bytes, { format, duplicates: Duplicates.DUPLICATE_HANDLING_CREATE });
      expect(job.stats).toMatchObject({ total: before.length, imported: before.length, failed: 0 });
      const copies = (await listByName('manager.east', marker)).filter(
        (customer) => !before.some((original) => original.id === customer.id),
      );
      expect(copies.map((copy) => [copy.name, copy.customFields]).sort()).toEqual(
        before.map((original) => [original.name, original.customFields]).sort(),
      );
    }
    const copies = await listByName('manager.east', `${marker}全字段`);
    expect(copies).toHaveLength(4);
    for (const copy of copies) expect(copy.customFields).toEqual(values());
  });
});
