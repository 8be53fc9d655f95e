import { baseDataEventsV1, baseDataV1, customerV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-18 against the real stack: the seeded lists and regions, administration by admins only,
// the CSV import (all or nothing), protection of entries in use, and customers validated
// against the enabled base data.

const { BaseDataKind: Kind } = baseDataV1;
const { CustomerKind } = customerV1;
const NON_ADMINS = [
  'director',
  'manager.east',
  'rep.east.1',
  'rep.east.2',
  'manager.west',
  'rep.west.1',
  'service.agent',
  'analyst',
  'partner.acme',
];
const run = Date.now().toString(36);
let service: RunningCustomerService;
let baseData: baseDataV1.BaseDataServiceClient;
let customers: customerV1.CustomerServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

const list = async (username: string, kind: baseDataV1.BaseDataKind, includeDisabled = false) =>
  (
    await unary(
      baseData.listBaseDataEntries.bind(baseData),
      baseDataV1.ListBaseDataEntriesRequest.fromPartial({ kind, includeDisabled }),
      await as(username),
    )
  ).entries;

const createEntry = async (username: string, entry: Partial<baseDataV1.BaseDataEntry>) =>
  (await unary(baseData.createBaseDataEntry.bind(baseData), { entry: baseDataV1.BaseDataEntry.fromPartial(entry) }, await as(username)))
    .entry!;

const updateEntry = async (
  username: string,
  kind: baseDataV1.BaseDataKind,
  code: string,
  entry: Partial<baseDataV1.BaseDataEntry>,
  updateMask: string[],
) =>
  (
    await unary(
      baseData.updateBaseDataEntry.bind(baseData),
      baseDataV1.UpdateBaseDataEntryRequest.fromPartial({ kind, code, entry, updateMask }),
      await as(username),
    )
  ).entry!;

const deleteEntry = async (username: string, kind: baseDataV1.BaseDataKind, code: string) =>
  unary(baseData.deleteBaseDataEntry.bind(baseData), { kind, code }, await as(username));

const importCsv = async (username: string, csv: string, dryRun = false) =>
  unary(baseData.importBaseData.bind(baseData), { csv, dryRun }, await as(username));

const createCustomer = async (username: string, fields: Partial<customerV1.CreateCustomerRequest>) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...fields }),
      await as(username),
    )
  ).customer!;

const updateCustomer = async (
  username: string,
  customer: customerV1.Customer,
  fields: Partial<customerV1.Customer>,
  updateMask: string[],
) =>
  (
    await unary(
      customers.updateCustomer.bind(customers),
      customerV1.UpdateCustomerRequest.fromPartial({ id: customer.id, expectedVersion: customer.version, customer: fields, updateMask }),
      await as(username),
    )
  ).customer!;

const countRows = async (sql: string, values: unknown[] = []) => Number((await pool.query(sql, values)).rows[0].count);

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_base_data_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-base-data-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  baseData = createGrpcClient(baseDataV1.BaseDataServiceClient, address, {
    serviceName: 'liaison.customer.v1.BaseDataService',
    idempotentMethods: [],
    deadlineMs: 20_000,
  });
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  baseData?.close();
  customers?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('base data', () => {
  it('starts with the 34 provincial-level divisions and their cities, the common sources, natures and industries', async () => {
    const { provinces } = await unary(baseData.listRegions.bind(baseData), { includeDisabled: false }, await as('rep.east.1'));
    const seeded = provinces.filter((tree) => /^\d{6}$/.test(tree.province!.code));
    expect(seeded).toHaveLength(34);
    expect(seeded.every((tree) => tree.cities.length > 0)).toBe(true);
    const zhejiang = provinces.find((tree) => tree.province!.name === '浙江省')!;
    expect(zhejiang.province).toMatchObject({ code: '330000', nameEn: 'Zhejiang', kind: Kind.BASE_DATA_KIND_PROVINCE, enabled: true });
    expect(zhejiang.cities.map((city) => city.name)).toEqual([
      '杭州市',
      '宁波市',
      '温州市',
      '嘉兴市',
      '湖州市',
      '绍兴市',
      '金华市',
      '衢州市',
      '舟山市',
      '台州市',
      '丽水市',
    ]);
    expect(zhejiang.cities[0]).toMatchObject({ code: '330100', parentCode: '330000', kind: Kind.BASE_DATA_KIND_CITY });
    expect(provinces.find((tree) => tree.province!.name === '上海市')!.cities.map((city) => city.name)).toEqual(['上海市']);
    const names = async (kind: baseDataV1.BaseDataKind) => (await list('analyst', kind)).map((entry) => entry.name);
    expect(await names(Kind.BASE_DATA_KIND_SOURCE)).toEqual(expect.arrayContaining(['展会', '官网', '电话营销', '老客户介绍', '合作伙伴']));
    expect(await names(Kind.BASE_DATA_KIND_NATURE)).toEqual(
      expect.arrayContaining(['国有企业', '民营企业', '外资企业', '合资企业', '事业单位', '政府机关', '个人']),
    );
    expect(await names(Kind.BASE_DATA_KIND_INDUSTRY)).toEqual(expect.arrayContaining(['软件', '物流', '机械制造']));
    expect((await names(Kind.BASE_DATA_KIND_TARGET_FLAG)).length).toBeGreaterThan(0);
  });

  it('lets every user who reads customers read the lists, cities of one province on request', async () => {
    for (const user of [...NON_ADMINS, 'admin']) {
      expect((await list(user, Kind.BASE_DATA_KIND_NATURE)).length).toBeGreaterThan(0);
    }
    const request = baseDataV1.ListBaseDataEntriesRequest.fromPartial({ kind: Kind.BASE_DATA_KIND_CITY, parentCode: '510000' });
    const sichuan = (await unary(baseData.listBaseDataEntries.bind(baseData), request, await as('partner.acme'))).entries;
    expect(sichuan.map((city) => city.name)).toEqual(expect.arrayContaining(['成都市', '绵阳市']));
    expect(sichuan.every((city) => city.parentCode === '510000')).toBe(true);
    await expect(list('admin', Kind.BASE_DATA_KIND_UNSPECIFIED)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('lets administrators create, rename, re-sort, disable and delete entries, with an event each', async () => {
    const code = `expo_${run}`;
    const created = await createEntry('admin', {
      kind: Kind.BASE_DATA_KIND_SOURCE,
      code,
      name: ` 行业峰会${run} `,
      nameEn: 'Summit',
      sortOrder: 5,
    });
    expect(created).toMatchObject({ code, name: `行业峰会${run}`, nameEn: 'Summit', sortOrder: 5, enabled: true, parentCode: '' });
    const renamed = await updateEntry('admin', Kind.BASE_DATA_KIND_SOURCE, code, { name: `技术峰会${run}`, sortOrder: 7 }, [
      'name',
      'sort_order',
    ]);
    expect(renamed).toMatchObject({ name: `技术峰会${run}`, sortOrder: 7, nameEn: 'Summit' });
    const disabled = await updateEntry('admin', Kind.BASE_DATA_KIND_SOURCE, code, { enabled: false }, ['enabled']);
    expect(disabled.enabled).toBe(false);
    expect((await list('rep.east.1', Kind.BASE_DATA_KIND_SOURCE)).map((entry) => entry.code)).not.toContain(code);
    expect((await list('admin', Kind.BASE_DATA_KIND_SOURCE, true)).map((entry) => entry.code)).toContain(code);
    await deleteEntry('admin', Kind.BASE_DATA_KIND_SOURCE, code);
    expect((await list('admin', Kind.BASE_DATA_KIND_SOURCE, true)).map((entry) => entry.code)).not.toContain(code);
    await expect(deleteEntry('admin', Kind.BASE_DATA_KIND_SOURCE, code)).rejects.toMatchObject({ code: 'not_found' });

    const key = `base_data/source/${code}`;
    const mine = await waitFor('four base data events', async () => {
      const found = events.records.filter((record) => record.key === key);
      return found.length >= 4 ? found : undefined;
    });
    const payloads = mine.map((record) => baseDataEventsV1.BaseDataChanged.decode(record.value!));
    expect(mine.map((record) => record.headers.ce_type)).toEqual(Array(4).fill('liaison.events.v1.BaseDataChanged'));
    expect(payloads.map((payload) => payload.change)).toEqual([1, 2, 2, 3]);
    expect(payloads[1].changedFields).toEqual(['name', 'sort_order']);
    expect(payloads[0].entry?.name).toBe(`行业峰会${run}`);
  });

  it('refuses every write to everyone but administrators, writing nothing', async () => {
    const code = `guarded_${run}`;
    await createEntry('admin', { kind: Kind.BASE_DATA_KIND_INDUSTRY, code, name: `受保护行业${run}` });
    const before = await countRows('SELECT count(*) FROM base_data');
    const outboxBefore = await countRows('SELECT count(*) FROM outbox');
    for (const user of NON_ADMINS) {
      await expect(
        createEntry(user, { kind: Kind.BASE_DATA_KIND_INDUSTRY, code: `by_${user.replace(/\W/g, '_')}_${run}`, name: `越权${user}${run}` }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(updateEntry(user, Kind.BASE_DATA_KIND_INDUSTRY, code, { name: `改名${user}` }, ['name'])).rejects.toMatchObject({
        code: 'permission_denied',
      });
      await expect(deleteEntry(user, Kind.BASE_DATA_KIND_INDUSTRY, code)).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(importCsv(user, `kind,code,name\nindustry,imp_${run},越权导入${run}\n`)).rejects.toMatchObject({
        code: 'permission_denied',
      });
    }
    expect(await countRows('SELECT count(*) FROM base_data')).toBe(before);
    expect(await countRows('SELECT count(*) FROM outbox')).toBe(outboxBefore);
    expect((await list('admin', Kind.BASE_DATA_KIND_INDUSTRY)).find((entry) => entry.code === code)?.name).toBe(`受保护行业${run}`);
  });

  it('refuses bad entries with field violations and taken codes or names as already_exists', async () => {
    const invalid = (entry: Partial<baseDataV1.BaseDataEntry>) => createEntry('admin', entry);
    await expect(invalid({ kind: Kind.BASE_DATA_KIND_SOURCE, code: '展会', name: '中文编码' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'code', message: expect.any(String) }],
    });
    await expect(invalid({ kind: Kind.BASE_DATA_KIND_SOURCE, code: `empty_${run}`, name: '   ' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'name', message: 'is required' }],
    });
    await expect(invalid({ kind: Kind.BASE_DATA_KIND_CITY, code: `orphan_${run}`, name: `孤城${run}` })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'parent_code', message: expect.any(String) }],
    });
    await expect(
      invalid({ kind: Kind.BASE_DATA_KIND_CITY, code: `lost_${run}`, name: `迷城${run}`, parentCode: '999999' }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'parent_code', message: expect.any(String) }] });
    await expect(
      invalid({ kind: Kind.BASE_DATA_KIND_NATURE, code: `nested_${run}`, name: `嵌套${run}`, parentCode: '330000' }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(invalid({ kind: Kind.BASE_DATA_KIND_SOURCE, code: 'trade_show', name: `重复编码${run}` })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'code_taken',
    });
    await expect(invalid({ kind: Kind.BASE_DATA_KIND_SOURCE, code: `dup_${run}`, name: '展会' })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'name_taken',
    });
    await expect(updateEntry('admin', Kind.BASE_DATA_KIND_SOURCE, 'trade_show', {}, ['code'])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(updateEntry('admin', Kind.BASE_DATA_KIND_SOURCE, `missing_${run}`, { name: '无' }, ['name'])).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('validates customer values against the enabled base data by name', async () => {
    const customer = await createCustomer('rep.east.1', {
      name: `基础数据校验 ${run}`,
      source: '展会',
      industry: '软件',
      nature: '民营企业',
      region: { province: '浙江省', city: '杭州市' },
    });
    expect(customer).toMatchObject({
      source: '展会',
      industry: '软件',
      nature: '民营企业',
      region: { province: '浙江省', city: '杭州市' },
    });
    const refused = (fields: Partial<customerV1.CreateCustomerRequest>) =>
      createCustomer('rep.east.1', { name: `不合法 ${run}`, ...fields });
    await expect(refused({ industry: '炼丹' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'industry', message: expect.stringContaining('industry') }],
    });
    await expect(refused({ source: '天上掉下来', nature: '外星企业' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'source' }, { field: 'nature' }],
    });
    await expect(refused({ region: { province: '浙江省', city: '成都市' } })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'region.city' }],
    });
    await expect(refused({ region: { province: '火星省', city: '' } })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'region.province' }],
    });
    await expect(updateCustomer('rep.east.1', customer, { industry: '炼丹' }, ['industry'])).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'industry' }],
    });
    const moved = await updateCustomer('rep.east.1', customer, { region: { province: '四川省', city: '绵阳市' } }, ['region']);
    expect(moved.region).toEqual({ province: '四川省', city: '绵阳市' });
  });

  it('protects entries in use: no delete, no rename; disabling keeps existing customers and refuses new values', async () => {
    const code = `inuse_${run}`;
    const name = `在用行业${run}`;
    await createEntry('admin', { kind: Kind.BASE_DATA_KIND_INDUSTRY, code, name });
    const customer = await createCustomer('rep.west.1', { name: `在用客户 ${run}`, industry: name });
    await expect(deleteEntry('admin', Kind.BASE_DATA_KIND_INDUSTRY, code)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'in_use',
    });
    await expect(updateEntry('admin', Kind.BASE_DATA_KIND_INDUSTRY, code, { name: `改名${run}` }, ['name'])).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'in_use',
    });
    await updateEntry('admin', Kind.BASE_DATA_KIND_INDUSTRY, code, { enabled: false, nameEn: 'In use' }, ['enabled', 'name_en']);

    const edited = await updateCustomer('rep.west.1', customer, { starRating: 3 }, ['star_rating']);
    expect(edited).toMatchObject({ industry: name, starRating: 3 });
    await expect(createCustomer('rep.west.1', { name: `新客户 ${run}`, industry: name })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'industry' }],
    });

    await expect(deleteEntry('admin', Kind.BASE_DATA_KIND_PROVINCE, '330000')).rejects.toMatchObject({ code: 'failed_precondition' });
    const provinceCode = `p${run}`;
    await createEntry('admin', { kind: Kind.BASE_DATA_KIND_PROVINCE, code: provinceCode, name: `测试省${run}` });
    await createEntry('admin', {
      kind: Kind.BASE_DATA_KIND_CITY,
      code: `${provinceCode}.01`,
      name: `测试市${run}`,
      parentCode: provinceCode,
    });
    await expect(deleteEntry('admin', Kind.BASE_DATA_KIND_PROVINCE, provinceCode)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'has_cities',
    });
    await deleteEntry('admin', Kind.BASE_DATA_KIND_CITY, `${provinceCode}.01`);
    await deleteEntry('admin', Kind.BASE_DATA_KIND_PROVINCE, provinceCode);
  });

  it('imports CSV with a byte order mark, CRLF and quotes: provinces and their cities in one file, then updates', async () => {
    const province = `imp${run}`;
    const csv = `\uFEFFkind,code,name,name_en,sort,parent_code\r\nprovince,${province},导入省${run},"Import, Province",900,\r\ncity,${province}.1,导入市${run},,1,${province}\r\nsource,imp_src_${run},"导入""来源""${run}",,,\r\n`;
    expect(await importCsv('admin', csv, true)).toEqual({ created: 3, updated: 0, unchanged: 0, dryRun: true });
    expect(await countRows('SELECT count(*) FROM base_data WHERE code LIKE $1', [`imp%${run}%`])).toBe(0);
    expect(await importCsv('admin', csv)).toEqual({ created: 3, updated: 0, unchanged: 0, dryRun: false });
    const { provinces } = await unary(baseData.listRegions.bind(baseData), { includeDisabled: false }, await as('rep.east.1'));
    const tree = provinces.find((candidate) => candidate.province!.code === province)!;
    expect(tree.province).toMatchObject({ name: `导入省${run}`, nameEn: 'Import, Province', sortOrder: 900 });
    expect(tree.cities.map((city) => city.name)).toEqual([`导入市${run}`]);
    expect((await list('admin', Kind.BASE_DATA_KIND_SOURCE)).find((entry) => entry.code === `imp_src_${run}`)?.name).toBe(
      `导入"来源"${run}`,
    );

    const again = `kind,code,name,sort,parent_code\nprovince,${province},导入省${run},901,\ncity,${province}.1,导入市${run},1,${province}\n`;
    expect(await importCsv('admin', again)).toEqual({ created: 0, updated: 1, unchanged: 1, dryRun: false });
  });

  it('imports nothing when a line is bad, and reports every bad line by its line number', async () => {
    const before = await countRows('SELECT count(*) FROM base_data');
    const outboxBefore = await countRows('SELECT count(*) FROM outbox');
    const csv = [
      'kind,code,name,parent_code',
      `industry,good_${run},好行业${run},`,
      `planet,bad_${run},坏类型${run},`,
      `city,nowhere_${run},无省之市${run},000000`,
      `industry,good_${run},重复编码${run},`,
      `source,taken_${run},展会,`,
    ].join('\n');
    const error = await importCsv('admin', csv).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: 'invalid_argument' });
    const fields = (error as { violations: { field: string }[] }).violations.map((violation) => violation.field);
    expect(fields).toEqual(expect.arrayContaining(['lines[3].kind', 'lines[4].parent_code', 'lines[5].code', 'lines[6].name']));
    expect(fields.some((field) => field.startsWith('lines[2]'))).toBe(false);
    expect(await countRows('SELECT count(*) FROM base_data')).toBe(before);
    expect(await countRows('SELECT count(*) FROM outbox')).toBe(outboxBefore);

    await expect(importCsv('admin', 'code,name\nx,y\n')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'lines[1]', message: 'the column kind is missing' }],
    });
    await expect(importCsv('admin', '')).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'csv' }] });
    await expect(importCsv('admin', `kind,code,name\nsource,open_${run},"未闭合\n`)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'lines[2]' }],
    });
  });

  it('refuses to rename an entry in use through an import too', async () => {
    const code = `imp_inuse_${run}`;
    await importCsv('admin', `kind,code,name\nnature,${code},导入性质${run}\n`);
    await createCustomer('rep.east.2', { name: `导入性质客户 ${run}`, nature: `导入性质${run}` });
    await expect(importCsv('admin', `kind,code,name\nnature,${code},新名字${run}\n`)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'lines[2].name', message: expect.stringContaining('cannot be renamed') }],
    });
  });
});
