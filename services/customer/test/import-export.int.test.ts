import ExcelJS from 'exceljs';
import { customerV1, importExportV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, fromGrpcError, unary, type Pool } from '@liaison/runtime';
import { ensureDatabase, subjectOf, userToken } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { csvRows, importExportCalls } from './import-export-support';
import { callerMetadata, startServiceUnderTest } from './support';

// The production code loads exceljs with a fixed parse-sax through require.cache, which jest's
// module registry does not use; the same fix goes in through jest.mock here.
jest.mock('exceljs/lib/utils/parse-sax', () =>
  jest.requireActual('../src/files/exceljs-fix').parseSaxAcrossChunks(jest.requireActual('saxes')),
);

// CUS-14 import and export, the service in-process against the real PostgreSQL, Kafka and
// Keycloak. Chunks of 3 rows make a few-row file span several transactions.

const {
  TransferFileFormat: Format,
  DuplicateHandling: Duplicates,
  DuplicateKey: Key,
  ImportAssignment: Assign,
  CustomerImportStatus: Status,
} = importExportV1;
const RUN = Date.now().toString(36);
let service: RunningCustomerService;
let imports: importExportV1.CustomerImportServiceClient;
let exports: importExportV1.CustomerExportServiceClient;
let customers: customerV1.CustomerServiceClient;
let pool: Pool;

const as = callerMetadata;
const {
  upload,
  getImport,
  importFile,
  errorReport,
  exportFile: exportRequest,
} = importExportCalls(() => ({ imports, exports }), { fileName: `客户导入-${RUN}.csv`, chunkBytes: 7 });
const exportFile = async (
  user: string,
  filter: Partial<customerV1.ListCustomersRequest>,
  format = Format.TRANSFER_FILE_FORMAT_CSV,
  columnLanguage = importExportV1.ColumnLanguage.COLUMN_LANGUAGE_EN,
) => exportRequest(user, { filter, format, columnLanguage });

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_import_it');
  service = await startServiceUnderTest('customer-import-it', databaseUrl, {
    IMPORT_CHUNK_ROWS: '3',
    PROJECTIONS_ENABLED: 'false',
    POOL_RULE_INTERVAL_MS: '0',
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = (name: string) => ({ serviceName: `liaison.customer.v1.${name}`, idempotentMethods: [], deadlineMs: 30_000 });
  imports = createGrpcClient(importExportV1.CustomerImportServiceClient, address, options('CustomerImportService'));
  exports = createGrpcClient(importExportV1.CustomerExportServiceClient, address, options('CustomerExportService'));
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, options('CustomerService'));
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  imports?.close();
  exports?.close();
  customers?.close();
  await pool?.end();
  await service?.host.stop();
});

// ---------------------------------------------------------------------------------------------

const utf8Csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');

async function listByName(user: string, name: string) {
  return (
    await unary(
      customers.listCustomers.bind(customers),
      customerV1.ListCustomersRequest.fromPartial({ nameContains: name, page: { pageSize: 200 } }),
      await as(user),
    )
  ).customers;
}

// GB18030 bytes for a test file, from the decoder's own table (Node has no GB18030 encoder).
let gbTable: Map<string, number[]> | undefined;
function gb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead += 1) {
      for (let trail = 0x40; trail <= 0xfe; trail += 1) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(Uint8Array.of(lead, trail));
        if (char.length === 1 && !gbTable.has(char)) gbTable.set(char, [lead, trail]);
      }
    }
  }
  return Buffer.from([...text].flatMap((char) => (char.charCodeAt(0) < 0x80 ? [char.charCodeAt(0)] : (gbTable!.get(char) ?? [0x3f]))));
}

// ---------------------------------------------------------------------------------------------

describe('customer import', () => {
  it('imports a UTF-8 CSV with BOM and Chinese headers, reports bad rows per row and column', async () => {
    const marker = `导入测试${RUN}`;
    const file = utf8Csv([
      '客户名称,客户类型,电话,邮箱,行业,来源,性质,省份,城市,星级,客户类别,目标客户,信用额度',
      `${marker}杭州精密机械有限公司,企业,0571-8888 6666,sales@hzjm.cn,机械制造,展会,民营企业,浙江省,杭州市,4,意向,是,"100,000.50"`,
      `"${marker}上海""华东""贸易, 有限公司",company,,,,,,上海市,上海市,0,,否,`,
      `${marker}坏邮箱,个人,,not-an-email,,,,,,9,,,`,
      `${marker}无省份,,,,,,,,杭州市,,成交,也许,abc`,
      '',
      `${marker}张三,个人,13800138000,,,,,,,,,,`,
    ]);
    const job = await importFile('manager.east', file);
    expect(job).toMatchObject({
      status: Status.CUSTOMER_IMPORT_STATUS_COMPLETED,
      encoding: 'utf-8',
      createdBy: subjectOf(await userToken('manager.east')),
    });
    expect(job.stats).toEqual({ total: 5, processed: 5, imported: 3, updated: 0, skipped: 0, failed: 2, assigned: 3, unassigned: 0 });

    const imported = await listByName('manager.east', marker);
    const hz = imported.find((customer) => customer.name.endsWith('杭州精密机械有限公司'))!;
    expect(hz).toMatchObject({
      phone: '0571-8888 6666',
      email: 'sales@hzjm.cn',
      industry: '机械制造',
      source: '展会',
      nature: '民营企业',
      starRating: 4,
      region: { province: '浙江省', city: '杭州市' },
      isTarget: true,
      creditLimit: { minorUnits: 10_000_050, currencyCode: 'CNY' },
      category: customerV1.CustomerCategory.CUSTOMER_CATEGORY_INTENTIONAL,
      ownerId: subjectOf(await userToken('manager.east')),
      ownerUnit: '/Sales/East',
    });
    expect(imported.map((customer) => customer.name)).toContain(`${marker}上海"华东"贸易, 有限公司`);
    const {
      rows: [pending],
    } = await pool.query('SELECT pending_since IS NOT NULL AS pending FROM customers WHERE id = $1', [hz.id]);
    expect(pending.pending).toBe(true);

    const report = await errorReport('manager.east', job.id);
    expect([...report.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csvRows(report);
    expect(lines[0]).toEqual(['row', 'column', 'value', 'message']);
    expect(
      lines
        .slice(1)
        .map(([row, column]) => `${row} ${column}`)
        .sort(),
    ).toEqual(['4 星级', '4 邮箱', '5 信用额度', '5 城市', '5 客户类别', '5 目标客户'].sort());
    expect(lines).toHaveLength(7);
    expect(lines.find(([row, column]) => row === '4' && column === '邮箱')).toEqual([
      '4',
      '邮箱',
      'not-an-email',
      'must be an e-mail address',
    ]);
  });

  it('reads GB18030 (GBK) files, detected or named', async () => {
    const marker = `国标编码${RUN}`;
    const text = `客户名称,电话,城市,省份\r\n${marker}北京龙井茶业,010-6666 8888,北京市,北京市\r\n${marker}深圳电子,0755-1234 5678,深圳市,广东省\r\n`;
    const detected = await importFile('manager.east', gb18030(text));
    expect(detected).toMatchObject({ status: Status.CUSTOMER_IMPORT_STATUS_COMPLETED, encoding: 'gb18030' });
    expect(detected.stats?.imported).toBe(2);
    expect((await listByName('manager.east', marker)).map((c) => c.name).sort()).toEqual(
      [`${marker}北京龙井茶业`, `${marker}深圳电子`].sort(),
    );

    const named = await importFile('manager.east', gb18030(text.replace(new RegExp(marker, 'g'), `${marker}乙`)), {
      encoding: 'GBK',
      duplicates: Duplicates.DUPLICATE_HANDLING_CREATE,
    });
    expect(named).toMatchObject({ encoding: 'gb18030', stats: expect.objectContaining({ imported: 2 }) });
    await expect(upload('manager.east', gb18030(text), { encoding: 'utf-8' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(upload('manager.east', gb18030(text), { encoding: 'latin-1' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'options.encoding' }],
    });
  });

  it('imports the first worksheet of an XLSX file, numbers and dates as typed', async () => {
    const marker = `表格导入${RUN}`;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', '电话', '星级', '目标客户', '信用额度']);
    sheet.addRow([`${marker}苏州工业园`, 13912345678, 5, '是', 20000]);
    sheet.addRow([{ richText: [{ text: marker }, { text: '宁波港口' }] }, '0574-1234 5678', 3, false, null]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const job = await importFile('manager.west', file, { format: Format.TRANSFER_FILE_FORMAT_XLSX, fileName: '客户.xlsx' });
    expect(job).toMatchObject({ status: Status.CUSTOMER_IMPORT_STATUS_COMPLETED, encoding: '' });
    expect(job.stats).toMatchObject({ total: 2, imported: 2, failed: 0 });
    const suzhou = (await listByName('manager.west', `${marker}苏州`))[0];
    expect(suzhou).toMatchObject({
      phone: '13912345678',
      starRating: 5,
      isTarget: true,
      creditLimit: { minorUnits: 2_000_000, currencyCode: 'CNY' },
    });
  });

  it('handles duplicates as chosen: skip, update (with history), create; repeats inside a file; pool assignment', async () => {
    const marker = `查重${RUN}`;
    const header = 'name,phone,industry,star_rating';
    await importFile('manager.east', utf8Csv([header, `${marker}甲,138 0000 0001,软件,1`, `${marker}乙,138 0000 0002,软件,1`]));

    const skipped = await importFile(
      'manager.east',
      utf8Csv([header, `${marker}甲,13800000001,物流,2`, `${marker}丙,13800000003,物流,2`, `${marker}丙,13800000003,物流,3`]),
    );
    expect(skipped.stats).toMatchObject({ total: 3, imported: 1, skipped: 2, updated: 0, failed: 0 });

    const updated = await importFile(
      'manager.east',
      utf8Csv([header, `${marker}甲,138-0000-0001,物流,`, `${marker}乙,138 0000 0002,软件,1`, `${marker}甲,13800000001,医疗,5`]),
      { duplicates: Duplicates.DUPLICATE_HANDLING_UPDATE },
    );
    expect(updated.stats).toMatchObject({ total: 3, imported: 0, updated: 1, skipped: 1, failed: 1 });
    const [jia] = await listByName('manager.east', `${marker}甲`);
    expect(jia).toMatchObject({ industry: '物流', starRating: 1, phone: '138-0000-0001', version: 2 });
    const { rows: history } = await pool.query(
      'SELECT field, old_value, new_value, reason FROM customer_history WHERE customer_id = $1 ORDER BY field',
      [jia.id],
    );
    expect(history).toEqual([
      { field: 'industry', old_value: '软件', new_value: '物流', reason: expect.stringContaining('import') },
      { field: 'phone', old_value: '138 0000 0001', new_value: '138-0000-0001', reason: expect.stringContaining('import') },
    ]);
    const repeatLine = csvRows(await errorReport('manager.east', updated.id))[1];
    expect(repeatLine).toEqual(['4', 'name_phone', `${marker}甲`, expect.stringContaining('row 2')]);

    const created = await importFile('manager.east', utf8Csv([header, `${marker}甲,13800000001,物流,1`]), {
      duplicates: Duplicates.DUPLICATE_HANDLING_CREATE,
      assignTo: Assign.IMPORT_ASSIGNMENT_POOL,
    });
    expect(created.stats).toMatchObject({ imported: 1, assigned: 0, unassigned: 1 });
    const twins = await listByName('manager.east', `${marker}甲`);
    expect(twins).toHaveLength(2);
    expect(twins.filter((customer) => customer.ownerId === '')).toHaveLength(1);

    const byName = await importFile('manager.east', utf8Csv([header, `${marker}乙,13999999999,物流,1`]), {
      duplicateKey: Key.DUPLICATE_KEY_NAME,
    });
    expect(byName.stats).toMatchObject({ skipped: 1, imported: 0 });
    const byPhone = await importFile('manager.east', utf8Csv([header, `${marker}丁,13800000002,物流,1`]), {
      duplicateKey: Key.DUPLICATE_KEY_PHONE,
    });
    expect(byPhone.stats).toMatchObject({ skipped: 1, imported: 0 });
  });

  it("matches duplicates only inside the importer's write scope", async () => {
    const marker = `范围查重${RUN}`;
    const header = '客户名称,电话';
    await importFile('manager.east', utf8Csv([header, `${marker}东区客户,13700000001`]));
    const west = await importFile('manager.west', utf8Csv([header, `${marker}东区客户,13700000001`]), {
      duplicates: Duplicates.DUPLICATE_HANDLING_UPDATE,
    });
    expect(west.stats).toMatchObject({ imported: 1, updated: 0, skipped: 0 });
  });

  it('keeps the chunks committed before a failure, and says which rows were and were not imported', async () => {
    const marker = `中途失败${RUN}`;
    const poison = `${marker}违反约束`;
    await pool.query(`ALTER TABLE customers ADD CONSTRAINT import_it_poison_${RUN} CHECK (name <> '${poison}') NOT VALID`);
    try {
      const lines = ['客户名称'];
      for (let i = 1; i <= 7; i += 1) lines.push(i === 5 ? poison : `${marker}${i}`);
      const job = await importFile('manager.east', utf8Csv(lines));
      expect(job.status).toBe(Status.CUSTOMER_IMPORT_STATUS_FAILED);
      expect(job.stats).toMatchObject({ total: 7, imported: 3, processed: 3, failed: 0 });
      expect(job.error).toContain('chunk 2 of 3 (from row 5)');
      expect(job.error).toContain('rows before row 5 were imported, rows from row 5 on were not');
      const names = (await listByName('manager.east', marker)).map((customer) => customer.name).sort();
      expect(names).toEqual([`${marker}1`, `${marker}2`, `${marker}3`]);
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM customer_import_rows WHERE import_id = $1', [job.id]);
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.query(`ALTER TABLE customers DROP CONSTRAINT import_it_poison_${RUN}`);
    }
  });

  it('records one event per chunk naming the customers, and one when the import finishes, keyed by the import', async () => {
    const marker = `导入事件${RUN}`;
    const job = await importFile('manager.east', utf8Csv(['name', ...[1, 2, 3, 4].map((i) => `${marker}${i}`)]));
    const { rows } = await pool.query('SELECT type FROM outbox WHERE key = $1 ORDER BY id', [job.id]);
    expect(rows.map((row) => row.type)).toEqual([
      'liaison.events.v1.CustomersImported',
      'liaison.events.v1.CustomersImported',
      'liaison.events.v1.CustomerImportFinished',
    ]);
    const { rows: perCustomer } = await pool.query(
      'SELECT count(*)::int AS n FROM outbox o JOIN customers c ON c.id::text = o.key WHERE c.name LIKE $1',
      [`${marker}%`],
    );
    expect(perCustomer[0].n).toBe(0);
  });

  it('refuses bad uploads: no options first, no name column, no rows; the job says why', async () => {
    await expect(
      new Promise((resolve, reject) => {
        void as('manager.east').then((metadata) => {
          const call = imports.uploadCustomerImport(metadata, (error, response) =>
            error ? reject(fromGrpcError(error)) : resolve(response),
          );
          call.write({ chunk: Buffer.from('name\r\nx\r\n') });
          call.end();
        });
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(upload('manager.east', utf8Csv(['电话', '13800000000']))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'file' }],
    });
    await expect(upload('manager.east', utf8Csv(['客户名称']))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(upload('manager.east', utf8Csv(['客户名称', 'x']), { fileName: '' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'options.file_name' }],
    });
    const failed = (
      await unary(imports.listCustomerImports.bind(imports), { page: { pageSize: 5, pageToken: '' } }, await as('manager.east'))
    ).imports;
    expect(failed[0]).toMatchObject({
      status: Status.CUSTOMER_IMPORT_STATUS_FAILED,
      error: expect.stringContaining('nothing was imported'),
    });
  });

  it('lets only importers import, and shows jobs to their importer and administrators only', async () => {
    await expect(upload('rep.east.1', utf8Csv(['name', `不许导入${RUN}`]))).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(upload('director', utf8Csv(['name', `不许导入${RUN}`]))).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await listByName('admin', `不许导入${RUN}`)).toEqual([]);
    const job = await importFile('manager.east', utf8Csv(['name', `归属测试${RUN}`]));
    expect((await getImport('admin', job.id)).id).toBe(job.id);
    for (const outsider of ['manager.west', 'director'])
      await expect(getImport(outsider, job.id)).rejects.toMatchObject({ code: 'not_found' });
    for (const denied of ['rep.east.1', 'analyst', 'partner.acme'])
      await expect(getImport(denied, job.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(errorReport('manager.west', job.id)).rejects.toMatchObject({ code: 'not_found' });
    const westList = (
      await unary(imports.listCustomerImports.bind(imports), { page: { pageSize: 100, pageToken: '' } }, await as('manager.west'))
    ).imports;
    expect(westList.map((item) => item.id)).not.toContain(job.id);
    const adminList = (
      await unary(imports.listCustomerImports.bind(imports), { page: { pageSize: 100, pageToken: '' } }, await as('admin'))
    ).imports;
    expect(adminList.map((item) => item.id)).toContain(job.id);
    await expect(getImport('admin', 'nope')).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('customer export', () => {
  const marker = `导出${RUN}`;

  beforeAll(async () => {
    const create = async (user: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}) =>
      unary(
        customers.createCustomer.bind(customers),
        customerV1.CreateCustomerRequest.fromPartial({ name, kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY, ...extra }),
        await as(user),
      );
    await create('rep.east.1', `${marker}东一,"引号"与逗号`, {
      phone: '+86 21 6888 8888',
      creditLimit: { minorUnits: 123_456, currencyCode: 'CNY' },
    });
    await create('rep.east.2', `${marker}东二 (第二)`);
    await create('rep.west.1', `=${marker}西一`);
  });

  it('streams CSV with BOM, CRLF and proper quoting that reads back to the same values', async () => {
    const bytes = await exportFile('admin', { nameContains: marker });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n');
    const [header, ...rows] = csvRows(bytes);
    expect(header.slice(0, 4)).toEqual(['id', 'name', 'kind', 'category']);
    const byName = new Map(rows.map((row) => [row[1], row]));
    expect([...byName.keys()].sort()).toEqual([`${marker}东一,"引号"与逗号`, `${marker}东二 (第二)`, `'=${marker}西一`].sort());
    const east = byName.get(`${marker}东一,"引号"与逗号`)!;
    expect(east[header.indexOf('phone')]).toBe('+86 21 6888 8888');
    expect(east[header.indexOf('credit_limit')]).toBe('1234.56');
    expect(bytes.toString('utf8')).toContain(`"${marker}东一,""引号""与逗号"`);
  });

  it("exports only the caller's data scope and refuses roles without customer:export", async () => {
    const namesFor = async (user: string) =>
      csvRows(await exportFile(user, { nameContains: marker }))
        .slice(1)
        .map((row) => row[1])
        .sort();
    expect(await namesFor('manager.east')).toEqual([`${marker}东一,"引号"与逗号`, `${marker}东二 (第二)`].sort());
    expect(await namesFor('manager.west')).toEqual([`'=${marker}西一`]);
    for (const user of ['rep.east.1', 'rep.east.2', 'director', 'analyst', 'partner.acme', 'service.agent']) {
      await expect(exportFile(user, { nameContains: marker })).rejects.toMatchObject({ code: 'permission_denied' });
    }
  });

  it('writes XLSX with Chinese headers that reads back', async () => {
    const bytes = await exportFile(
      'manager.east',
      { nameContains: marker },
      Format.TRANSFER_FILE_FORMAT_XLSX,
      importExportV1.ColumnLanguage.COLUMN_LANGUAGE_ZH,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['客户编号', '客户名称', '客户类型', '客户类别']);
    const names = [2, 3].map((n) => String(sheet.getRow(n).getCell(2).value)).sort();
    expect(names).toEqual([`${marker}东一,"引号"与逗号`, `${marker}东二 (第二)`].sort());
    expect(sheet.getRow(2).getCell(3).value).toBe('企业');
    expect(sheet.rowCount).toBe(3);
  });

  it('exports a file the import takes back', async () => {
    const bytes = await exportFile(
      'manager.east',
      { nameContains: marker },
      Format.TRANSFER_FILE_FORMAT_CSV,
      importExportV1.ColumnLanguage.COLUMN_LANGUAGE_ZH,
    );
    const job = await importFile('manager.east', bytes, {
      duplicates: Duplicates.DUPLICATE_HANDLING_SKIP,
      duplicateKey: Key.DUPLICATE_KEY_NAME,
    });
    expect(job.stats).toMatchObject({ total: 2, skipped: 2, failed: 0 });
  });
});
