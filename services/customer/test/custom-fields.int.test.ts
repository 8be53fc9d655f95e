import { randomUUID } from 'node:crypto';
import { baseDataEventsV1, customerV1, customFieldV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-17 against the real stack: admin-defined typed fields, values on customers validated on
// every write (references only to records the writer can see), filters in the customer search,
// and definition changes that never contradict stored values.

const { CustomFieldType: T, ReferenceTarget } = customFieldV1;
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
const key = (name: string) => `${name}_${run}`;
let service: RunningCustomerService;
let fields: customFieldV1.CustomFieldServiceClient;
let customers: customerV1.CustomerServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

type DefinitionInput = Partial<Omit<customFieldV1.CustomFieldDefinition, 'constraints'>> & {
  constraints?: Partial<customFieldV1.CustomFieldConstraints>;
};

const define = async (username: string, definition: DefinitionInput) =>
  (
    await unary(
      fields.createCustomFieldDefinition.bind(fields),
      { definition: customFieldV1.CustomFieldDefinition.fromPartial(definition) },
      await as(username),
    )
  ).definition!;

const redefine = async (username: string, fieldKey: string, definition: DefinitionInput, updateMask: string[]) =>
  (
    await unary(
      fields.updateCustomFieldDefinition.bind(fields),
      customFieldV1.UpdateCustomFieldDefinitionRequest.fromPartial({ key: fieldKey, definition, updateMask }),
      await as(username),
    )
  ).definition!;

const undefine = async (username: string, fieldKey: string) =>
  unary(fields.deleteCustomFieldDefinition.bind(fields), { key: fieldKey }, await as(username));

const definitions = async (username: string, includeDisabled = false) =>
  (await unary(fields.listCustomFieldDefinitions.bind(fields), { includeDisabled }, await as(username))).definitions;

const create = async (username: string, customFields: Record<string, unknown>, name = `自定义字段客户 ${randomUUID().slice(0, 8)}`) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name, kind: CustomerKind.CUSTOMER_KIND_COMPANY, customFields }),
      await as(username),
    )
  ).customer!;

const update = async (username: string, customer: customerV1.Customer, customFields: Record<string, unknown>, updateMask: string[]) =>
  (
    await unary(
      customers.updateCustomer.bind(customers),
      customerV1.UpdateCustomerRequest.fromPartial({
        id: customer.id,
        expectedVersion: customer.version,
        customer: { customFields },
        updateMask,
      }),
      await as(username),
    )
  ).customer!;

const search = async (username: string, filters: Partial<customFieldV1.CustomFieldFilter>[]) => {
  const request = customerV1.ListCustomersRequest.fromPartial({
    page: { pageSize: 200 },
    nameContains: `${run} 筛选`,
    customFieldFilters: filters.map((filter) => customFieldV1.CustomFieldFilter.fromPartial(filter)),
  });
  return (await unary(customers.listCustomers.bind(customers), request, await as(username))).customers
    .map((customer) => customer.name)
    .sort();
};

const violationOf = (field: string) => ({
  code: 'invalid_argument',
  violations: expect.arrayContaining([expect.objectContaining({ field })]),
});

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_custom_fields_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-custom-fields-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  fields = createGrpcClient(customFieldV1.CustomFieldServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomFieldService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
  await define('admin', {
    key: key('level'),
    label: `客户级别${run}`,
    type: T.CUSTOM_FIELD_TYPE_OPTION,
    options: [
      { value: 'a', label: 'A级' },
      { value: 'b', label: 'B级' },
      { value: 'c', label: 'C级' },
    ],
  });
  await define('admin', {
    key: key('tags'),
    label: `客户标签${run}`,
    type: T.CUSTOM_FIELD_TYPE_MULTI_OPTION,
    options: [
      { value: 'vip', label: '贵宾' },
      { value: 'gov', label: '政府项目' },
      { value: 'export', label: '出口' },
    ],
  });
  await define('admin', {
    key: key('revenue'),
    label: `年营业额${run}`,
    type: T.CUSTOM_FIELD_TYPE_NUMBER,
    constraints: { min: 0, max: 1e12, decimals: 2 },
  });
  await define('admin', {
    key: key('founded'),
    label: `成立日期${run}`,
    type: T.CUSTOM_FIELD_TYPE_DATE,
    constraints: { minDate: '1900-01-01', maxDate: '2100-12-31' },
  });
  await define('admin', { key: key('note'), label: `备注${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT, constraints: { maxLength: 20 } });
  await define('admin', {
    key: key('parent'),
    label: `上级公司${run}`,
    type: T.CUSTOM_FIELD_TYPE_REFERENCE,
    referenceTarget: ReferenceTarget.REFERENCE_TARGET_CUSTOMER,
  });
  await define('admin', {
    key: key('buyer'),
    label: `采购联系人${run}`,
    type: T.CUSTOM_FIELD_TYPE_REFERENCE,
    referenceTarget: ReferenceTarget.REFERENCE_TARGET_CONTACT,
  });
});

afterAll(async () => {
  fields?.close();
  customers?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

async function insertContact(customerId: string): Promise<string> {
  const id = randomUUID();
  await pool.query('INSERT INTO contacts (id, customer_id, name, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)', [
    id,
    customerId,
    `联系人${run}`,
    'test',
  ]);
  return id;
}

describe('custom field definitions', () => {
  it('are listed for every user who reads customers, in sort order, with their options and constraints', async () => {
    for (const user of [...NON_ADMINS, 'admin']) {
      const listed = await definitions(user);
      expect(listed.map((definition) => definition.key)).toEqual(expect.arrayContaining([key('level'), key('revenue')]));
    }
    const revenue = (await definitions('rep.east.1')).find((definition) => definition.key === key('revenue'))!;
    expect(revenue).toMatchObject({
      label: `年营业额${run}`,
      type: T.CUSTOM_FIELD_TYPE_NUMBER,
      enabled: true,
      required: false,
      constraints: { min: 0, max: 1e12, decimals: 2, maxLength: 0 },
    });
    const level = (await definitions('partner.acme')).find((definition) => definition.key === key('level'))!;
    expect(level.options).toEqual([
      { value: 'a', label: 'A级' },
      { value: 'b', label: 'B级' },
      { value: 'c', label: 'C级' },
    ]);
  });

  it('are changed by administrators only, writing nothing for anyone else', async () => {
    const before = Number((await pool.query('SELECT count(*) FROM custom_field_definitions')).rows[0].count);
    for (const user of NON_ADMINS) {
      await expect(
        define(user, { key: key(`by_${user.replace(/\W/g, '_')}`), label: `越权${user}${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(redefine(user, key('note'), { label: '改名' }, ['label'])).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(undefine(user, key('note'))).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(Number((await pool.query('SELECT count(*) FROM custom_field_definitions')).rows[0].count)).toBe(before);
    expect((await definitions('admin')).find((definition) => definition.key === key('note'))?.label).toBe(`备注${run}`);
  });

  it('refuses bad definitions with field violations, and taken keys or labels', async () => {
    await expect(define('admin', { key: 'Bad Key', label: '坏键', type: T.CUSTOM_FIELD_TYPE_TEXT })).rejects.toMatchObject(
      violationOf('key'),
    );
    await expect(define('admin', { key: key('x1'), label: '', type: T.CUSTOM_FIELD_TYPE_TEXT })).rejects.toMatchObject(
      violationOf('label'),
    );
    await expect(define('admin', { key: key('x2'), label: `无类型${run}` })).rejects.toMatchObject(violationOf('type'));
    await expect(define('admin', { key: key('x3'), label: `无选项${run}`, type: T.CUSTOM_FIELD_TYPE_OPTION })).rejects.toMatchObject(
      violationOf('options'),
    );
    await expect(
      define('admin', {
        key: key('x4'),
        label: `重复选项${run}`,
        type: T.CUSTOM_FIELD_TYPE_OPTION,
        options: [
          { value: 'a', label: '甲' },
          { value: 'a', label: '乙' },
        ],
      }),
    ).rejects.toMatchObject(violationOf('options[1].value'));
    await expect(define('admin', { key: key('x5'), label: `无目标${run}`, type: T.CUSTOM_FIELD_TYPE_REFERENCE })).rejects.toMatchObject(
      violationOf('reference_target'),
    );
    await expect(
      define('admin', { key: key('x6'), label: `错约束${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT, constraints: { min: 1 } }),
    ).rejects.toMatchObject(violationOf('constraints.min'));
    await expect(
      define('admin', { key: key('x7'), label: `反区间${run}`, type: T.CUSTOM_FIELD_TYPE_NUMBER, constraints: { min: 10, max: 1 } }),
    ).rejects.toMatchObject(violationOf('constraints.max'));
    await expect(define('admin', { key: key('level'), label: `另一个${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'key_taken',
    });
    await expect(define('admin', { key: key('x8'), label: `客户级别${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'label_taken',
    });
    await expect(redefine('admin', key('level'), {}, ['key'])).rejects.toMatchObject(violationOf('update_mask.key'));
    await expect(redefine('admin', key('missing'), { label: '无' }, ['label'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('publishes CustomFieldDefinitionChanged keyed by the field', async () => {
    const fieldKey = key('evented');
    await define('admin', { key: fieldKey, label: `事件字段${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT });
    await redefine('admin', fieldKey, { label: `事件字段改${run}` }, ['label']);
    await undefine('admin', fieldKey);
    const mine = await waitFor('three definition events', async () => {
      const found = events.records.filter((record) => record.key === `custom_field/${fieldKey}`);
      return found.length >= 3 ? found : undefined;
    });
    expect(mine.map((record) => record.headers.ce_type)).toEqual(Array(3).fill('liaison.events.v1.CustomFieldDefinitionChanged'));
    const payloads = mine.map((record) => baseDataEventsV1.CustomFieldDefinitionChanged.decode(record.value!));
    expect(payloads.map((payload) => payload.change)).toEqual([1, 2, 3]);
    expect(payloads[1]).toMatchObject({ changedFields: ['label'], definition: { label: `事件字段改${run}` } });
  });
});

describe('custom field values on customers', () => {
  it('stores every type normalised and returns it on reads and events', async () => {
    const parent = await create('rep.east.1', {}, `上级 ${run}`);
    const contact = await insertContact(parent.id);
    const values = {
      [key('level')]: 'b',
      [key('tags')]: ['vip', 'export', 'vip'],
      [key('revenue')]: 1234.5,
      [key('founded')]: '2008-08-08',
      [key('note')]: '  重要客户  ',
      [key('parent')]: parent.id.toUpperCase(),
      [key('buyer')]: contact,
    };
    const customer = await create('rep.east.1', values, `全部类型 ${run}`);
    expect(customer.customFields).toEqual({
      [key('level')]: 'b',
      [key('tags')]: ['vip', 'export'],
      [key('revenue')]: 1234.5,
      [key('founded')]: '2008-08-08',
      [key('note')]: '重要客户',
      [key('parent')]: parent.id,
      [key('buyer')]: contact,
    });
    const read = (await unary(customers.getCustomer.bind(customers), { id: customer.id }, await as('manager.east'))).customer!;
    expect(read.customFields).toEqual(customer.customFields);
  });

  it('refuses unknown keys, wrong types, unknown options and values outside the constraints, writing nothing', async () => {
    const before = Number((await pool.query('SELECT count(*) FROM customers')).rows[0].count);
    await expect(create('rep.east.1', { [`unknown_${run}`]: 'x' })).rejects.toMatchObject(violationOf(`custom_fields.unknown_${run}`));
    await expect(create('rep.east.1', { [key('level')]: 'z' })).rejects.toMatchObject(violationOf(`custom_fields.${key('level')}`));
    await expect(create('rep.east.1', { [key('level')]: 1 })).rejects.toMatchObject(violationOf(`custom_fields.${key('level')}`));
    await expect(create('rep.east.1', { [key('tags')]: 'vip' })).rejects.toMatchObject(violationOf(`custom_fields.${key('tags')}`));
    await expect(create('rep.east.1', { [key('tags')]: ['vip', 'nope'] })).rejects.toMatchObject(
      violationOf(`custom_fields.${key('tags')}`),
    );
    await expect(create('rep.east.1', { [key('revenue')]: '100' })).rejects.toMatchObject(violationOf(`custom_fields.${key('revenue')}`));
    await expect(create('rep.east.1', { [key('revenue')]: -1 })).rejects.toMatchObject(violationOf(`custom_fields.${key('revenue')}`));
    await expect(create('rep.east.1', { [key('revenue')]: 1.234 })).rejects.toMatchObject(violationOf(`custom_fields.${key('revenue')}`));
    await expect(create('rep.east.1', { [key('founded')]: '2023-02-30' })).rejects.toMatchObject(
      violationOf(`custom_fields.${key('founded')}`),
    );
    await expect(create('rep.east.1', { [key('founded')]: '1800-01-01' })).rejects.toMatchObject(
      violationOf(`custom_fields.${key('founded')}`),
    );
    await expect(create('rep.east.1', { [key('note')]: '长'.repeat(21) })).rejects.toMatchObject(
      violationOf(`custom_fields.${key('note')}`),
    );
    await expect(create('rep.east.1', { [key('parent')]: 'not-an-id' })).rejects.toMatchObject(
      violationOf(`custom_fields.${key('parent')}`),
    );
    expect(Number((await pool.query('SELECT count(*) FROM customers')).rows[0].count)).toBe(before);
  });

  it('accepts references only to records the writer can see, whether they exist elsewhere or not', async () => {
    const westCustomer = await create('rep.west.1', {}, `西区客户 ${run}`);
    const westContact = await insertContact(westCustomer.id);
    const field = (name: string) => `custom_fields.${key(name)}`;
    await expect(create('rep.east.1', { [key('parent')]: westCustomer.id })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: field('parent'), message: 'no customer with this id' }],
    });
    await expect(create('rep.east.1', { [key('parent')]: randomUUID() })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: field('parent'), message: 'no customer with this id' }],
    });
    await expect(create('rep.east.1', { [key('buyer')]: westContact })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: field('buyer'), message: 'no contact with this id' }],
    });
    const byManager = await create('manager.west', { [key('parent')]: westCustomer.id, [key('buyer')]: westContact });
    expect(byManager.customFields![key('parent')]).toBe(westCustomer.id);
  });

  it('updates one value with custom_fields.<key>, removes one with null, replaces all with custom_fields', async () => {
    let customer = await create('rep.east.2', { [key('level')]: 'a', [key('note')]: '初始' });
    customer = await update('rep.east.2', customer, { [key('level')]: 'c' }, [`custom_fields.${key('level')}`]);
    expect(customer.customFields).toEqual({ [key('level')]: 'c', [key('note')]: '初始' });
    customer = await update('rep.east.2', customer, { [key('note')]: null }, [`custom_fields.${key('note')}`]);
    expect(customer.customFields).toEqual({ [key('level')]: 'c' });
    customer = await update('rep.east.2', customer, { [key('revenue')]: 10 }, ['custom_fields']);
    expect(customer.customFields).toEqual({ [key('revenue')]: 10 });
    expect(customer.version).toBe(4);
    const unchanged = await update('rep.east.2', customer, { [key('revenue')]: 10 }, [`custom_fields.${key('revenue')}`]);
    expect(unchanged.version).toBe(4);
    await expect(update('rep.east.2', customer, { [key('level')]: 'zz' }, [`custom_fields.${key('level')}`])).rejects.toMatchObject(
      violationOf(`custom_fields.${key('level')}`),
    );
    await expect(update('rep.east.1', customer, { [key('level')]: 'a' }, [`custom_fields.${key('level')}`])).rejects.toMatchObject({
      code: 'not_found',
    });
    const { rows } = await pool.query("SELECT field FROM customer_history WHERE customer_id = $1 AND field = 'custom_fields'", [
      customer.id,
    ]);
    expect(rows).toHaveLength(3);
  });

  it('enforces required fields on create and against removal, only while they are enabled', async () => {
    const fieldKey = key('required');
    await define('admin', { key: fieldKey, label: `必填${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT, required: true });
    try {
      await expect(create('rep.east.1', {})).rejects.toMatchObject(violationOf(`custom_fields.${fieldKey}`));
      const customer = await create('rep.east.1', { [fieldKey]: '有值' });
      await expect(update('rep.east.1', customer, { [fieldKey]: null }, [`custom_fields.${fieldKey}`])).rejects.toMatchObject(
        violationOf(`custom_fields.${fieldKey}`),
      );
    } finally {
      // The database outlives the run: an enabled required field would block every later create.
      await redefine('admin', fieldKey, { enabled: false }, ['enabled']);
    }
    await expect(create('rep.east.1', {})).resolves.toBeDefined();
  });
});

describe('custom field filters in the customer search', () => {
  beforeAll(async () => {
    await create(
      'rep.east.1',
      { [key('level')]: 'a', [key('tags')]: ['vip', 'gov'], [key('revenue')]: 500, [key('founded')]: '2001-05-01', [key('note')]: '华东' },
      `${run} 筛选甲`,
    );
    await create(
      'rep.east.1',
      { [key('level')]: 'b', [key('tags')]: ['gov'], [key('revenue')]: 5000, [key('founded')]: '2015-01-01' },
      `${run} 筛选乙`,
    );
    await create(
      'rep.west.1',
      { [key('level')]: 'a', [key('tags')]: ['vip'], [key('revenue')]: 50_000, [key('founded')]: '2020-12-31' },
      `${run} 筛选丙`,
    );
  });

  it('filters by equality, option labels, list containment and ranges, inside the data scope', async () => {
    expect(await search('admin', [{ key: key('level'), values: ['a'] }])).toEqual([`${run} 筛选丙`, `${run} 筛选甲`].sort());
    expect(await search('admin', [{ key: key('level'), values: ['B级'] }])).toEqual([`${run} 筛选乙`]);
    expect(await search('admin', [{ key: key('tags'), values: ['gov'] }])).toEqual([`${run} 筛选乙`, `${run} 筛选甲`].sort());
    expect(
      await search('admin', [
        { key: key('tags'), values: ['vip'] },
        { key: key('level'), values: ['a'] },
      ]),
    ).toEqual([`${run} 筛选丙`, `${run} 筛选甲`].sort());
    expect(await search('admin', [{ key: key('revenue'), min: '1,000', max: '50000' }])).toEqual([`${run} 筛选丙`, `${run} 筛选乙`].sort());
    expect(await search('admin', [{ key: key('revenue'), values: ['500'] }])).toEqual([`${run} 筛选甲`]);
    expect(await search('admin', [{ key: key('founded'), min: '2010-01-01', max: '2020年12月31日' }])).toEqual(
      [`${run} 筛选丙`, `${run} 筛选乙`].sort(),
    );
    expect(await search('admin', [{ key: key('note'), values: ['华东'] }])).toEqual([`${run} 筛选甲`]);
    expect(await search('rep.east.1', [{ key: key('level'), values: ['a'] }])).toEqual([`${run} 筛选甲`]);
    expect(await search('manager.west', [{ key: key('tags'), values: ['gov'] }])).toEqual([]);
  });

  it('refuses filters on unknown fields and values that do not fit the field', async () => {
    await expect(search('admin', [{ key: `nope_${run}`, values: ['x'] }])).rejects.toMatchObject(
      violationOf('custom_field_filters[0].key'),
    );
    await expect(search('admin', [{ key: key('revenue'), min: 'lots' }])).rejects.toMatchObject(violationOf('custom_field_filters[0].min'));
    await expect(search('admin', [{ key: key('level'), min: 'a' }])).rejects.toMatchObject(violationOf('custom_field_filters[0].min'));
    await expect(search('admin', [{ key: key('level'), values: ['D级'] }])).rejects.toMatchObject(
      violationOf('custom_field_filters[0].values[0]'),
    );
    await expect(search('admin', [{ key: key('level') }])).rejects.toMatchObject(violationOf('custom_field_filters[0]'));
  });
});

describe('definition changes never contradict stored values', () => {
  it('refuses removing an option in use, changing the type of a field in use, tighter bounds and deleting a field in use', async () => {
    const fieldKey = key('guarded');
    await define('admin', {
      key: fieldKey,
      label: `受保护${run}`,
      type: T.CUSTOM_FIELD_TYPE_MULTI_OPTION,
      options: [
        { value: 'x', label: '甲' },
        { value: 'y', label: '乙' },
        { value: 'z', label: '丙' },
      ],
    });
    await create('rep.east.1', { [fieldKey]: ['x'] });
    await expect(redefine('admin', fieldKey, { options: [{ value: 'y', label: '乙' }] }, ['options'])).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'in_use',
    });
    const relabelled = await redefine(
      'admin',
      fieldKey,
      {
        options: [
          { value: 'x', label: '甲级' },
          { value: 'y', label: '乙' },
        ],
      },
      ['options'],
    );
    expect(relabelled.options).toEqual([
      { value: 'x', label: '甲级' },
      { value: 'y', label: '乙' },
    ]);
    await expect(redefine('admin', fieldKey, { type: T.CUSTOM_FIELD_TYPE_TEXT, options: [] }, ['type', 'options'])).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'in_use',
    });
    await expect(undefine('admin', fieldKey)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'in_use' });

    await expect(
      redefine('admin', key('revenue'), { constraints: { min: 0, max: 1000, decimals: 2 } }, ['constraints']),
    ).rejects.toMatchObject({ code: 'failed_precondition', reason: 'in_use' });
    await expect(redefine('admin', key('note'), { constraints: { maxLength: 1 } }, ['constraints'])).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'in_use',
    });
    const loosened = await redefine('admin', key('note'), { constraints: { maxLength: 100 } }, ['constraints']);
    expect(loosened.constraints?.maxLength).toBe(100);
  });

  it('keeps the values of a disabled field, refuses new ones and allows removing them', async () => {
    const fieldKey = key('retired');
    await define('admin', { key: fieldKey, label: `停用字段${run}`, type: T.CUSTOM_FIELD_TYPE_TEXT });
    const customer = await create('rep.east.1', { [fieldKey]: '旧值' });
    await redefine('admin', fieldKey, { enabled: false }, ['enabled']);
    expect((await definitions('rep.east.1')).map((definition) => definition.key)).not.toContain(fieldKey);
    expect((await definitions('admin', true)).map((definition) => definition.key)).toContain(fieldKey);
    await expect(create('rep.east.1', { [fieldKey]: '新值' })).rejects.toMatchObject(violationOf(`custom_fields.${fieldKey}`));
    const kept = (await unary(customers.getCustomer.bind(customers), { id: customer.id }, await as('rep.east.1'))).customer!;
    expect(kept.customFields![fieldKey]).toBe('旧值');
    const cleared = await update('rep.east.1', kept, { [fieldKey]: null }, [`custom_fields.${fieldKey}`]);
    expect(cleared.customFields![fieldKey]).toBeUndefined();
    await undefine('admin', fieldKey);
  });
});
