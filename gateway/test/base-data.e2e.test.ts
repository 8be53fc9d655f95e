import { randomUUID } from 'node:crypto';
import { apiCaller, expectProblem, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// CUS-18 and CUS-17 through the front door: base data and custom fields administered by admins
// only, the CSV import as a text/csv body, customers validated against both, and the search
// filtering on custom fields with cf.<key> parameters.

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
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);

beforeAll(async () => {
  platform = await startPlatform('base_data_e2e');
});

afterAll(async () => {
  await platform?.stop();
});

const items = (reply: Reply) => reply.body.items as Record<string, unknown>[];
const violationFields = (reply: Reply) => ((reply.body.violations ?? []) as { field: string }[]).map((violation) => violation.field);

describe('base data through the gateway', () => {
  it('serves the lists and the region tree to every role that reads customers, and nothing without a token', async () => {
    for (const user of [...NON_ADMINS, 'admin']) {
      const natures = await call('GET', '/base-data/nature', { user });
      expect(natures.status).toBe(200);
      expect(items(natures).map((entry) => entry.name)).toEqual(expect.arrayContaining(['民营企业', '国有企业']));
    }
    const regions = await call('GET', '/regions', { user: 'rep.east.1' });
    expect(regions.status).toBe(200);
    const trees = items(regions) as { province: { name: string; code: string }; cities: { name: string }[] }[];
    expect(trees.filter((tree) => /^\d{6}$/.test(tree.province.code))).toHaveLength(34);
    expect(trees.find((tree) => tree.province.name === '四川省')!.cities.map((city) => city.name)).toEqual(
      expect.arrayContaining(['成都市', '绵阳市']),
    );
    const cities = await call('GET', '/base-data/city?parentCode=330000', { user: 'partner.acme' });
    expect(items(cities)[0]).toMatchObject({
      kind: 'city',
      code: '330100',
      name: '杭州市',
      nameEn: 'Hangzhou',
      parentCode: '330000',
      enabled: true,
    });
    expectProblem(await call('GET', '/base-data/planets', { user: 'admin' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/base-data/nature'), 401, 'token_missing');
    expectProblem(await call('GET', '/regions'), 401, 'token_missing');
  });

  it('lets admins create, change and delete entries; every other role gets 403 and changes nothing', async () => {
    const code = `fair_${run}`;
    const created = await call('POST', '/base-data/source', {
      user: 'admin',
      body: { code, name: `博览会${run}`, nameEn: 'Fair', sortOrder: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/base-data/source/${code}`);
    expect(created.body).toMatchObject({
      kind: 'source',
      code,
      name: `博览会${run}`,
      nameEn: 'Fair',
      sortOrder: 3,
      enabled: true,
      parentCode: null,
    });
    for (const user of NON_ADMINS) {
      expectProblem(await call('POST', '/base-data/source', { user, body: { code: `x_${run}`, name: `越权${run}` } }), 403, 'forbidden');
      expectProblem(await call('PATCH', `/base-data/source/${code}`, { user, body: { name: '改名' } }), 403, 'forbidden');
      expectProblem(await call('DELETE', `/base-data/source/${code}`, { user }), 403, 'forbidden');
      expectProblem(
        await call('POST', '/base-data/import', { user, csv: `kind,code,name\nsource,imp_${user}_${run},越权导入\n` }),
        403,
        'forbidden',
      );
    }
    const unchanged = await call('GET', '/base-data/source', { user: 'admin' });
    expect(items(unchanged).find((entry) => entry.code === code)).toMatchObject({ name: `博览会${run}` });
    expect(items(unchanged).some((entry) => String(entry.code).startsWith(`imp_`) && String(entry.code).endsWith(run))).toBe(false);

    const patched = await call('PATCH', `/base-data/source/${code}`, { user: 'admin', body: { nameEn: null, enabled: false } });
    expect(patched.body).toMatchObject({ nameEn: null, enabled: false });
    expect(items(await call('GET', '/base-data/source', { user: 'rep.east.1' })).some((entry) => entry.code === code)).toBe(false);
    expect(items(await call('GET', '/base-data/source?includeDisabled=true', { user: 'admin' })).some((entry) => entry.code === code)).toBe(
      true,
    );
    expect((await call('DELETE', `/base-data/source/${code}`, { user: 'admin' })).status).toBe(204);
    expectProblem(await call('DELETE', `/base-data/source/${code}`, { user: 'admin' }), 404, 'not_found');
  });

  it('answers bad entries with 400 and taken codes with 409', async () => {
    expectProblem(
      await call('POST', '/base-data/source', { user: 'admin', body: { code: '中文', name: '中文编码' } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/base-data/city', { user: 'admin', body: { code: `c_${run}`, name: `无省市${run}` } }),
      400,
      'invalid_argument',
    );
    expectProblem(
      await call('POST', '/base-data/source', { user: 'admin', body: { code: 'trade_show', name: `重复${run}` } }),
      409,
      'code_taken',
    );
    expectProblem(await call('PATCH', '/base-data/source/trade_show', { user: 'admin', body: {} }), 400, 'validation_failed');
  });

  it('refuses to delete or rename an entry customers use (409 in_use), and customers must use enabled entries', async () => {
    const code = `inuse_${run}`;
    await call('POST', '/base-data/industry', { user: 'admin', body: { code, name: `在用行业${run}` } });
    const customer = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `在用客户 ${run}`, kind: 'company', industry: `在用行业${run}`, region: { province: '浙江省', city: '杭州市' } },
    });
    expect(customer.status).toBe(201);
    expectProblem(await call('DELETE', `/base-data/industry/${code}`, { user: 'admin' }), 409, 'in_use');
    expectProblem(await call('PATCH', `/base-data/industry/${code}`, { user: 'admin', body: { name: `新名${run}` } }), 409, 'in_use');
    const bad = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `坏行业 ${run}`, kind: 'company', industry: '炼丹', region: { province: '浙江省', city: '成都市' } },
    });
    expectProblem(bad, 400, 'invalid_argument');
    expect(violationFields(bad)).toEqual(['industry', 'region.city']);
  });

  it('imports text/csv all or nothing, listing every bad line; JSON is 415 and an oversized file 413', async () => {
    const province = `gw${run}`;
    const csv = `\uFEFFkind,code,name,name_en,sort,parent_code\r\nprovince,${province},网关省${run},Gateway,1,\r\ncity,${province}.1,网关市${run},,1,${province}\r\n`;
    const dry = await call('POST', '/base-data/import?dryRun=true', { user: 'admin', csv });
    expect(dry).toMatchObject({ status: 200, body: { created: 2, updated: 0, unchanged: 0, dryRun: true } });
    expect(
      items(await call('GET', '/base-data/province?includeDisabled=true', { user: 'admin' })).some((entry) => entry.code === province),
    ).toBe(false);
    expect((await call('POST', '/base-data/import', { user: 'admin', csv })).body).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      dryRun: false,
    });
    const tree = (
      items(await call('GET', '/regions', { user: 'rep.west.1' })) as { province: { code: string }; cities: { name: string }[] }[]
    ).find((candidate) => candidate.province.code === province);
    expect(tree?.cities.map((city) => city.name)).toEqual([`网关市${run}`]);

    const bad = await call('POST', '/base-data/import', {
      user: 'admin',
      csv: `kind,code,name,parent_code\nsource,ok_${run},好来源${run},\nplanet,p_${run},星球,\ncity,c_${run},无省之市${run},nowhere\n`,
    });
    expectProblem(bad, 400, 'invalid_argument');
    expect(violationFields(bad)).toEqual(['lines[3].kind', 'lines[4].parent_code']);
    expect(items(await call('GET', '/base-data/source', { user: 'admin' })).some((entry) => entry.code === `ok_${run}`)).toBe(false);

    expectProblem(await call('POST', '/base-data/import', { user: 'admin', body: { csv } }), 415, 'unsupported_media_type');
    expectProblem(
      await call('POST', '/base-data/import', { user: 'admin', csv: `kind,code,name\n${'source,x,很长的名字\n'.repeat(120_000)}` }),
      413,
      'body_too_large',
    );
    expectProblem(await call('POST', '/base-data/import', { user: 'admin', csv: '' }), 400, 'validation_failed');
    expectProblem(await call('POST', '/base-data/import', { csv }), 401, 'token_missing');
  });

  it('documents the import as a text/csv request body in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'requestBody'?: { content: Record<string, unknown> }; 'x-permission'?: string }>>;
    };
    expect(Object.keys(doc.paths['/base-data/import'].post.requestBody!.content)).toEqual(['text/csv', 'text/plain']);
    expect(doc.paths['/base-data/import'].post['x-permission']).toBe('admin:import');
    expect(doc.paths['/custom-fields'].post['x-permission']).toBe('admin:create');
  });
});

describe('custom fields through the gateway', () => {
  const level = `level_${run}`;
  const revenue = `revenue_${run}`;
  const parent = `parent_${run}`;

  beforeAll(async () => {
    const define = (body: unknown) => call('POST', '/custom-fields', { user: 'admin', body });
    expect(
      (
        await define({
          key: level,
          label: `级别${run}`,
          type: 'option',
          options: [
            { value: 'a', label: 'A级' },
            { value: 'b', label: 'B级' },
          ],
        })
      ).status,
    ).toBe(201);
    expect((await define({ key: revenue, label: `营业额${run}`, type: 'number', constraints: { min: 0, decimals: 2 } })).status).toBe(201);
    expect((await define({ key: parent, label: `上级${run}`, type: 'reference', referenceTarget: 'customer' })).status).toBe(201);
  });

  it('lists definitions for readers, lets only admins change them, and protects fields in use', async () => {
    const listed = await call('GET', '/custom-fields', { user: 'analyst' });
    expect(items(listed).find((definition) => definition.key === level)).toMatchObject({
      type: 'option',
      required: false,
      enabled: true,
      referenceTarget: null,
      constraints: {},
      options: [
        { value: 'a', label: 'A级' },
        { value: 'b', label: 'B级' },
      ],
    });
    expect(items(listed).find((definition) => definition.key === revenue)).toMatchObject({ constraints: { min: 0, decimals: 2 } });
    for (const user of NON_ADMINS) {
      expectProblem(
        await call('POST', '/custom-fields', { user, body: { key: `x_${run}`, label: `越权${run}`, type: 'text' } }),
        403,
        'forbidden',
      );
      expectProblem(await call('PATCH', `/custom-fields/${level}`, { user, body: { label: '改' } }), 403, 'forbidden');
      expectProblem(await call('DELETE', `/custom-fields/${level}`, { user }), 403, 'forbidden');
    }
    expectProblem(
      await call('POST', '/custom-fields', { user: 'admin', body: { key: 'Bad-Key', label: '坏', type: 'text' } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/custom-fields', { user: 'admin', body: { key: `opt_${run}`, label: `无选项${run}`, type: 'option' } }),
      400,
      'invalid_argument',
    );
    expectProblem(
      await call('POST', '/custom-fields', { user: 'admin', body: { key: level, label: `再来${run}`, type: 'text' } }),
      409,
      'key_taken',
    );

    await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `用了级别 ${run}`, kind: 'company', customFields: { [level]: 'b' } },
    });
    expectProblem(
      await call('PATCH', `/custom-fields/${level}`, { user: 'admin', body: { options: [{ value: 'a', label: 'A级' }] } }),
      409,
      'in_use',
    );
    expectProblem(await call('DELETE', `/custom-fields/${level}`, { user: 'admin' }), 409, 'in_use');
    const relabelled = await call('PATCH', `/custom-fields/${level}`, { user: 'admin', body: { label: `客户级别${run}`, sortOrder: 1 } });
    expect(relabelled.body).toMatchObject({ label: `客户级别${run}`, sortOrder: 1 });
    const spare = `spare_${run}`;
    await call('POST', '/custom-fields', { user: 'admin', body: { key: spare, label: `备用${run}`, type: 'date' } });
    expect((await call('DELETE', `/custom-fields/${spare}`, { user: 'admin' })).status).toBe(204);
    expectProblem(await call('DELETE', `/custom-fields/${spare}`, { user: 'admin' }), 404, 'not_found');
  });

  it('carries customFields on customers: validated on create, merged on update, null removes', async () => {
    const created = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `字段客户 ${run}`, kind: 'company', customFields: { [level]: 'a', [revenue]: 1234.5 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.customFields).toEqual({ [level]: 'a', [revenue]: 1234.5 });
    const id = created.body.id as string;
    const patched = await call('PATCH', `/customers/${id}`, {
      user: 'rep.east.1',
      body: { customFields: { [level]: 'b' } },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.body.customFields).toEqual({ [level]: 'b', [revenue]: 1234.5 });
    const removed = await call('PATCH', `/customers/${id}`, {
      user: 'rep.east.1',
      body: { customFields: { [revenue]: null }, version: 2 },
    });
    expect(removed.body.customFields).toEqual({ [level]: 'b' });
    expect((await call('GET', `/customers/${id}`, { user: 'manager.east' })).body.customFields).toEqual({ [level]: 'b' });

    const badOption = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `坏值 ${run}`, kind: 'company', customFields: { [level]: 'z', [revenue]: 1.234 } },
    });
    expectProblem(badOption, 400, 'invalid_argument');
    expect(violationFields(badOption)).toEqual([`customFields.${level}`, `customFields.${revenue}`]);
    expectProblem(
      await call('POST', '/customers', {
        user: 'rep.east.1',
        body: { name: `坏键 ${run}`, kind: 'company', customFields: { 'Not A Key': 'x' } },
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/customers', {
        user: 'rep.east.1',
        body: { name: `未知 ${run}`, kind: 'company', customFields: { [`unknown_${run}`]: 'x' } },
      }),
      400,
      'invalid_argument',
    );
  });

  it('accepts a reference only to a customer the writer can see', async () => {
    const west = await call('POST', '/customers', { user: 'rep.west.1', body: { name: `西区上级 ${run}`, kind: 'company' } });
    const refused = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `引用西区 ${run}`, kind: 'company', customFields: { [parent]: west.body.id } },
    });
    expectProblem(refused, 400, 'invalid_argument');
    expect(refused.body.violations).toEqual([{ field: `customFields.${parent}`, message: 'no customer with this id' }]);
    expect(JSON.stringify(refused.body)).not.toContain('西区上级');
    const unknown = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `引用不存在 ${run}`, kind: 'company', customFields: { [parent]: randomUUID() } },
    });
    expect(unknown.body.violations).toEqual(refused.body.violations);
    const allowed = await call('POST', '/customers', {
      user: 'manager.west',
      body: { name: `西区子公司 ${run}`, kind: 'company', customFields: { [parent]: west.body.id } },
    });
    expect(allowed.status).toBe(201);
  });

  it('filters the customer search with cf.<key>, cf.<key>.min and cf.<key>.max, inside the data scope', async () => {
    const tag = `cf筛选 ${run}`;
    await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `${tag} 甲`, kind: 'company', customFields: { [level]: 'a', [revenue]: 100 } },
    });
    await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `${tag} 乙`, kind: 'company', customFields: { [level]: 'b', [revenue]: 5000 } },
    });
    await call('POST', '/customers', {
      user: 'rep.west.1',
      body: { name: `${tag} 丙`, kind: 'company', customFields: { [level]: 'a', [revenue]: 9000 } },
    });
    const names = async (query: string, user = 'admin') => {
      const reply = await call('GET', `/customers?q=${encodeURIComponent(tag)}&${query}`, { user });
      expect(reply.status).toBe(200);
      return items(reply)
        .map((customer) => customer.name)
        .sort();
    };
    expect(await names(`cf.${level}=a`)).toEqual([`${tag} 丙`, `${tag} 甲`].sort());
    expect(await names(`cf.${level}=${encodeURIComponent('B级')}`)).toEqual([`${tag} 乙`]);
    expect(await names(`cf.${revenue}.min=1000`)).toEqual([`${tag} 丙`, `${tag} 乙`].sort());
    expect(await names(`cf.${revenue}.min=1000&cf.${revenue}.max=6000&cf.${level}=a,b`)).toEqual([`${tag} 乙`]);
    expect(await names(`cf.${level}=a`, 'rep.east.1')).toEqual([`${tag} 甲`]);
    const bad = await call('GET', `/customers?cf.${revenue}.min=lots`, { user: 'admin' });
    expectProblem(bad, 400, 'invalid_argument');
    expect(violationFields(bad)).toEqual(['customFieldFilters[0].min']);
    expectProblem(await call('GET', `/customers?cf.nope_${run}=x`, { user: 'admin' }), 400, 'invalid_argument');
    expectProblem(await call('GET', '/customers?cf.BAD=x', { user: 'admin' }), 400, 'validation_failed');
  });
});
