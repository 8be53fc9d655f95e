import { customerV1, eventsV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-01/02/03 against the real stack: the full record, the lifecycle state machine with the
// deal confirmation, the history it leaves, and search with filters, sorting and paging.

const { CustomerKind, CustomerCategory: C, CustomerSort } = customerV1;
let service: RunningCustomerService;
let client: customerV1.CustomerServiceClient;
let pool: Pool;
let events: RecordCollector;
const run = `${Date.now()}`;

const as = callerMetadata;

async function create(username: string, fields: Partial<customerV1.CreateCustomerRequest>): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({ kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...fields });
  return (await unary(client.createCustomer.bind(client), request, await as(username))).customer!;
}

async function move(
  username: string,
  customer: customerV1.Customer,
  category: customerV1.CustomerCategory,
  extra: Partial<customerV1.ChangeCustomerCategoryRequest> = {},
) {
  const request = customerV1.ChangeCustomerCategoryRequest.fromPartial({
    id: customer.id,
    expectedVersion: customer.version,
    category,
    ...extra,
  });
  return (await unary(client.changeCustomerCategory.bind(client), request, await as(username))).customer!;
}

async function search(username: string, filter: Partial<customerV1.ListCustomersRequest>): Promise<customerV1.Customer[]> {
  const found: customerV1.Customer[] = [];
  let pageToken = '';
  do {
    const request = customerV1.ListCustomersRequest.fromPartial({ ...filter, page: { pageSize: 2, pageToken } });
    const response = await unary(client.listCustomers.bind(client), request, await as(username));
    found.push(...response.customers);
    pageToken = response.page?.nextPageToken ?? '';
  } while (pageToken);
  return found;
}

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_lifecycle_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-lifecycle-it', databaseUrl);
  client = createGrpcClient(customerV1.CustomerServiceClient, `127.0.0.1:${service.grpcPort}`, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: ['GetCustomer', 'ListCustomers'],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  client?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('customer record and lifecycle', () => {
  it('keeps every field of the record, starting as potential unless told otherwise', async () => {
    const customer = await create('rep.east.1', {
      name: `浙江绿源环保科技 ${run}`,
      nature: '民营企业',
      region: { province: '浙江省', city: '湖州市' },
      isTarget: true,
      industry: '环保',
      source: '展会',
      starRating: 4,
    });
    expect(customer).toMatchObject({
      category: C.CUSTOMER_CATEGORY_POTENTIAL,
      nature: '民营企业',
      region: { province: '浙江省', city: '湖州市' },
      isTarget: true,
      dealDate: '',
      ownerUnit: '/Sales/East',
    });
    const key = await create('rep.east.1', { name: `重点客户 ${run}`, category: C.CUSTOMER_CATEGORY_KEY });
    expect(key.category).toBe(C.CUSTOMER_CATEGORY_KEY);
    await expect(create('rep.east.1', { name: `直接成交 ${run}`, category: C.CUSTOMER_CATEGORY_DEAL })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(create('rep.east.1', { name: `无城市省份 ${run}`, region: { province: '', city: '杭州市' } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('converts a potential customer to a deal with its date, then refuses further moves', async () => {
    let customer = await create('rep.east.1', { name: `意向转成交 ${run}` });
    customer = await move('rep.east.1', customer, C.CUSTOMER_CATEGORY_INTENTIONAL, { reason: '客户要了报价' });
    expect(customer).toMatchObject({ category: C.CUSTOMER_CATEGORY_INTENTIONAL, version: 2 });
    customer = await move('rep.east.1', customer, C.CUSTOMER_CATEGORY_DEAL, { dealDate: '2026-11-20', reason: '合同已签' });
    expect(customer).toMatchObject({ category: C.CUSTOMER_CATEGORY_DEAL, dealDate: '2026-11-20', version: 3 });
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_KEY)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'illegal_category_move',
    });
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_DEAL)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'category_unchanged',
    });

    const { rows } = await pool.query(
      'SELECT field, old_value, new_value, reason FROM customer_history WHERE customer_id = $1 ORDER BY id',
      [customer.id],
    );
    expect(rows).toEqual([
      { field: 'category', old_value: 'potential', new_value: 'intentional', reason: '客户要了报价' },
      { field: 'category', old_value: 'intentional', new_value: 'deal', reason: '合同已签' },
      { field: 'deal_date', old_value: null, new_value: '2026-11-20', reason: '合同已签' },
    ]);
    const changed = await waitFor('category events', async () => {
      const found = events.records.filter(
        (r) => r.key === customer.id && r.headers.ce_type === 'liaison.events.v1.CustomerCategoryChanged',
      );
      return found.length === 2 ? found : undefined;
    });
    const last = eventsV1.CustomerCategoryChanged.decode(changed[1].value!);
    expect(last).toMatchObject({ from: C.CUSTOMER_CATEGORY_INTENTIONAL, to: C.CUSTOMER_CATEGORY_DEAL, reason: '合同已签' });
    expect(last.customer?.dealDate).toBe('2026-11-20');
  });

  it('confirms a deal today when no date is given and refuses future or impossible dates', async () => {
    const customer = await create('rep.east.1', { name: `今日成交 ${run}` });
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_DEAL, { dealDate: '2099-01-01' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_DEAL, { dealDate: '2026-02-30' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const deal = await move('rep.east.1', customer, C.CUSTOMER_CATEGORY_DEAL);
    expect(deal.dealDate).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
  });

  it('lets only supervisors declare a customer invalid or revive it', async () => {
    const customer = await create('rep.east.1', { name: `无效客户 ${run}` });
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_INVALID)).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'supervisor_required',
    });
    const invalid = await move('manager.east', customer, C.CUSTOMER_CATEGORY_INVALID, { reason: '空号' });
    expect(invalid.category).toBe(C.CUSTOMER_CATEGORY_INVALID);
    await expect(move('rep.east.1', invalid, C.CUSTOMER_CATEGORY_POTENTIAL)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(move('manager.west', invalid, C.CUSTOMER_CATEGORY_POTENTIAL)).rejects.toMatchObject({ code: 'not_found' });
    expect((await move('manager.east', invalid, C.CUSTOMER_CATEGORY_POTENTIAL)).category).toBe(C.CUSTOMER_CATEGORY_POTENTIAL);
  });

  it('refuses stale versions, other owners and missing categories', async () => {
    const customer = await create('rep.east.1', { name: `版本冲突 ${run}` });
    await move('rep.east.1', customer, C.CUSTOMER_CATEGORY_KEY);
    await expect(move('rep.east.1', customer, C.CUSTOMER_CATEGORY_SHELVED)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(move('rep.east.2', { ...customer, version: 2 }, C.CUSTOMER_CATEGORY_SHELVED)).rejects.toMatchObject({ code: 'not_found' });
    await expect(move('rep.east.1', { ...customer, version: 2 }, C.CUSTOMER_CATEGORY_UNSPECIFIED)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(move('analyst', { ...customer, version: 2 }, C.CUSTOMER_CATEGORY_SHELVED)).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('records before and after of updated key fields', async () => {
    const customer = await create('rep.west.1', { name: `历史记录 ${run}`, starRating: 2, region: { province: '四川省', city: '成都市' } });
    const request = customerV1.UpdateCustomerRequest.fromPartial({
      id: customer.id,
      expectedVersion: 1,
      customer: { starRating: 5, region: { province: '四川省', city: '绵阳市' } },
      updateMask: ['star_rating', 'region'],
    });
    await unary(client.updateCustomer.bind(client), request, await as('rep.west.1'));
    const { rows } = await pool.query('SELECT field, old_value, new_value FROM customer_history WHERE customer_id = $1 ORDER BY id', [
      customer.id,
    ]);
    expect(rows).toEqual([
      { field: 'star_rating', old_value: 2, new_value: 5 },
      { field: 'region', old_value: { province: '四川省', city: '成都市' }, new_value: { province: '四川省', city: '绵阳市' } },
    ]);
  });
});

describe('customer search', () => {
  const tag = `检索${run}`;
  const names = { a: `${tag} 阿里巴巴`, b: `${tag} 北京百度`, c: `${tag} 上海携程`, z: `${tag} Zebra Ltd` };
  beforeAll(async () => {
    await create('rep.east.1', {
      name: names.c,
      phone: '021-3456 7890',
      starRating: 5,
      region: { province: '上海市', city: '上海市' },
      nature: '民营企业',
      isTarget: true,
    });
    await create('rep.east.1', {
      name: names.a,
      phone: '+86 138 0000 1234',
      starRating: 3,
      region: { province: '浙江省', city: '杭州市' },
      nature: '民营企业',
      category: C.CUSTOMER_CATEGORY_KEY,
    });
    await create('rep.east.2', {
      name: names.b,
      phone: '010-8888 1234',
      starRating: 4,
      region: { province: '北京市', city: '北京市' },
      nature: '国有企业',
      source: '展会',
    });
    await create('rep.west.1', { name: names.z, phone: '028-1111 2222', starRating: 1, region: { province: '四川省', city: '成都市' } });
  });

  const namesOf = (customers: customerV1.Customer[]) => customers.map((c) => c.name);

  it("matches part of a Chinese name, inside the caller's scope", async () => {
    expect(namesOf(await search('manager.east', { nameContains: `${tag} 北京` }))).toEqual([names.b]);
    expect(namesOf(await search('manager.east', { nameContains: '京百' }))).toContain(names.b);
    expect(namesOf(await search('rep.east.1', { nameContains: '百度', categories: [] }))).not.toContain(names.b);
    expect(namesOf(await search('admin', { nameContains: 'zebra' }))).toContain(names.z);
  });

  it('finds a customer by any part of its phone number, whatever the formatting', async () => {
    expect(namesOf(await search('admin', { nameContains: tag, phoneContains: '1234' })).sort()).toEqual([names.a, names.b].sort());
    expect(namesOf(await search('admin', { nameContains: tag, phoneContains: '3456-7890' }))).toEqual([names.c]);
    await expect(search('admin', { phoneContains: '12' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('filters by category, nature, region, stars, source and target flag', async () => {
    const base = { nameContains: tag };
    expect(namesOf(await search('admin', { ...base, categories: [C.CUSTOMER_CATEGORY_KEY] }))).toEqual([names.a]);
    expect(namesOf(await search('admin', { ...base, natures: ['民营企业'] })).sort()).toEqual([names.a, names.c].sort());
    expect(namesOf(await search('admin', { ...base, provinces: ['浙江省', '北京市'] })).sort()).toEqual([names.a, names.b].sort());
    expect(namesOf(await search('admin', { ...base, cities: ['成都市'] }))).toEqual([names.z]);
    expect(namesOf(await search('admin', { ...base, minStars: 4 })).sort()).toEqual([names.b, names.c].sort());
    expect(namesOf(await search('admin', { ...base, minStars: 2, maxStars: 3 }))).toEqual([names.a]);
    expect(namesOf(await search('admin', { ...base, sources: ['展会'] }))).toEqual([names.b]);
    expect(namesOf(await search('admin', { ...base, onlyTargets: true }))).toEqual([names.c]);
    expect(await search('admin', { ...base, createdFrom: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('sorts by pinyin name, stars and age with stable paging', async () => {
    expect(namesOf(await search('admin', { nameContains: tag, sort: CustomerSort.CUSTOMER_SORT_NAME }))).toEqual([
      names.a,
      names.b,
      names.c,
      names.z,
    ]);
    expect(namesOf(await search('admin', { nameContains: tag, sort: CustomerSort.CUSTOMER_SORT_STARS_DESC }))).toEqual([
      names.c,
      names.b,
      names.a,
      names.z,
    ]);
    expect(namesOf(await search('admin', { nameContains: tag, sort: CustomerSort.CUSTOMER_SORT_OLDEST }))).toEqual([
      names.c,
      names.a,
      names.b,
      names.z,
    ]);
    expect(namesOf(await search('admin', { nameContains: tag }))).toEqual([names.z, names.b, names.a, names.c]);
    const updated = await search('admin', { nameContains: tag, sort: CustomerSort.CUSTOMER_SORT_UPDATED_DESC });
    expect(namesOf(updated)).toEqual([names.z, names.b, names.a, names.c]);
  });

  it('refuses a page token made for another sort', async () => {
    const first = await unary(
      client.listCustomers.bind(client),
      customerV1.ListCustomersRequest.fromPartial({ nameContains: tag, page: { pageSize: 1 }, sort: CustomerSort.CUSTOMER_SORT_NAME }),
      await as('admin'),
    );
    const other = customerV1.ListCustomersRequest.fromPartial({
      nameContains: tag,
      page: { pageSize: 1, pageToken: first.page!.nextPageToken },
      sort: CustomerSort.CUSTOMER_SORT_STARS_DESC,
    });
    await expect(unary(client.listCustomers.bind(client), other, await as('admin'))).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
