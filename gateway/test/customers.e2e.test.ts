import { generateKeyPair, SignJWT } from 'jose';
import { eventsV1 } from '@liaison/contracts';
import { collectRecords, freshUserToken, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Through the front door: Keycloak token → gateway → customer service → PostgreSQL → outbox →
// Kafka, with every role of the data-scope rules and every kind of bad input.

const SHORT_LIVED_CLIENT = 'liaison-test-short-lived';
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform('customer_e2e', { OIDC_CLOCK_TOLERANCE_SEC: '1' });
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

const countCustomers = async (user = 'admin') => {
  let total = 0;
  let token: string | null = '';
  while (token !== null) {
    const page = await call('GET', `/customers?pageSize=200${token ? `&pageToken=${token}` : ''}`, { user });
    total += (page.body.items as unknown[]).length;
    token = page.body.nextPageToken as string | null;
  }
  return total;
};

describe('customers through the gateway', () => {
  it('walks the whole path: create in Chinese, read back, scope per role, event with the trace id', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const created = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: {
        name: '杭州西湖龙井茶业有限公司',
        kind: 'company',
        phone: '+86 571-8888 6666',
        creditLimit: { minorUnits: 2_000_000, currency: 'CNY' },
      },
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-trace-id')).toBe(traceId);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/api/v1/customers/${id}`);
    expect(created.body).toMatchObject({
      name: '杭州西湖龙井茶业有限公司',
      ownerUnit: '/Sales/East',
      version: 1,
      ownerId: subjectOf(await userToken('rep.east.1')),
    });

    const readBack = await call('GET', `/customers/${id}`, { user: 'rep.east.1' });
    expect(readBack.status).toBe(200);
    expect(readBack.body).toEqual(created.body);
    expect(readBack.headers.get('etag')).toBe('"1"');

    for (const outsider of ['rep.east.2', 'rep.west.1', 'manager.west', 'partner.acme']) {
      const reply = await call('GET', `/customers/${id}`, { user: outsider });
      expectProblem(reply, 404, 'not_found');
      expect(JSON.stringify(reply.body)).not.toContain('杭州');
    }
    for (const insider of ['manager.east', 'director', 'admin']) {
      expect((await call('GET', `/customers/${id}`, { user: insider })).status).toBe(200);
    }
    const east2List = await call('GET', `/customers?q=${encodeURIComponent('西湖龙井')}`, { user: 'rep.east.2' });
    expect(east2List.body.items).toEqual([]);
    const managerList = await call('GET', `/customers?q=${encodeURIComponent('西湖龙井')}`, { user: 'manager.east' });
    expect((managerList.body.items as { id: string }[]).map((c) => c.id)).toContain(id);

    const record = await waitFor('CustomerCreated on Kafka', async () =>
      events.records.find((r) => r.key === id && r.headers.ce_type === 'liaison.events.v1.CustomerCreated'),
    );
    expect(record.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(eventsV1.CustomerCreated.decode(record.value!).customer).toMatchObject({ id, name: '杭州西湖龙井茶业有限公司' });
  });

  it('updates with If-Match or body.version and refuses stale or missing versions', async () => {
    const created = await call('POST', '/customers', { user: 'rep.west.1', body: { name: '成都天府软件园', kind: 'company' } });
    const id = created.body.id as string;
    const updated = await call('PATCH', `/customers/${id}`, {
      user: 'rep.west.1',
      body: { starRating: 4, industry: '软件' },
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, starRating: 4, industry: '软件' });
    expect(updated.headers.get('etag')).toBe('"2"');
    expectProblem(
      await call('PATCH', `/customers/${id}`, { user: 'rep.west.1', body: { starRating: 1 }, headers: { 'if-match': '"1"' } }),
      412,
      'version_conflict',
    );
    expectProblem(await call('PATCH', `/customers/${id}`, { user: 'rep.west.1', body: { starRating: 1 } }), 428, 'precondition_required');
    const cleared = await call('PATCH', `/customers/${id}`, { user: 'rep.west.1', body: { industry: null, version: 2 } });
    expect(cleared.body).toMatchObject({ version: 3, industry: null });
    expectProblem(await call('PATCH', `/customers/${id}`, { user: 'rep.east.1', body: { starRating: 1, version: 3 } }), 404, 'not_found');
    expectProblem(await call('PATCH', `/customers/${id}`, { user: 'analyst', body: { starRating: 1, version: 3 } }), 403, 'forbidden');
    expect((await call('PATCH', `/customers/${id}`, { user: 'manager.west', body: { starRating: 2, version: 3 } })).status).toBe(200);
  });

  it('moves a customer through its lifecycle to a confirmed deal, refusing illegal moves', async () => {
    const created = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: {
        name: '温州瓯海鞋业有限公司',
        kind: 'company',
        category: 'intentional',
        nature: '民营企业',
        region: { province: '浙江省', city: '温州市' },
        isTarget: true,
      },
    });
    expect(created.body).toMatchObject({
      category: 'intentional',
      nature: '民营企业',
      region: { province: '浙江省', city: '温州市' },
      isTarget: true,
      dealDate: null,
    });
    const id = created.body.id as string;
    const deal = await call('POST', `/customers/${id}/category`, {
      user: 'rep.east.1',
      body: { category: 'deal', dealDate: '2026-11-18', reason: '签约' },
      headers: { 'if-match': '"1"' },
    });
    expect(deal.status).toBe(200);
    expect(deal.body).toMatchObject({ category: 'deal', dealDate: '2026-11-18', version: 2 });
    expectProblem(
      await call('POST', `/customers/${id}/category`, { user: 'rep.east.1', body: { category: 'key', version: 2 } }),
      409,
      'illegal_category_move',
    );
    expectProblem(
      await call('POST', `/customers/${id}/category`, { user: 'rep.east.1', body: { category: 'vip', version: 2 } }),
      400,
      'validation_failed',
    );
    const other = await call('POST', '/customers', { user: 'rep.east.1', body: { name: '空号客户', kind: 'person' } });
    expectProblem(
      await call('POST', `/customers/${other.body.id}/category`, { user: 'rep.east.1', body: { category: 'invalid', version: 1 } }),
      403,
      'supervisor_required',
    );
    expect(
      (
        await call('POST', `/customers/${other.body.id}/category`, {
          user: 'manager.east',
          body: { category: 'invalid', version: 1, reason: '空号' },
        })
      ).body,
    ).toMatchObject({ category: 'invalid' });
    expectProblem(
      await call('POST', `/customers/${id}/category`, { user: 'rep.west.1', body: { category: 'key', version: 2 } }),
      404,
      'not_found',
    );
  });

  it('searches with filters, phone fragments and pinyin sorting', async () => {
    const tag = `搜索${Date.now()}`;
    for (const [name, extra] of [
      [`${tag} 杭州`, { region: { province: '浙江省', city: '杭州市' }, starRating: 4, phone: '0571-8765 4321' }],
      [`${tag} 北京`, { region: { province: '北京市' }, starRating: 2, category: 'key' }],
      [`${tag} 成都`, { region: { province: '四川省', city: '成都市' }, starRating: 5 }],
    ] as const) {
      expect((await call('POST', '/customers', { user: 'rep.east.2', body: { name, kind: 'company', ...extra } })).status).toBe(201);
    }
    const names = async (query: string) =>
      (
        (await call('GET', `/customers?q=${encodeURIComponent(tag)}&${query}`, { user: 'manager.east' })).body.items as { name: string }[]
      ).map((c) => c.name);
    expect(await names('sort=name')).toEqual([`${tag} 北京`, `${tag} 成都`, `${tag} 杭州`]);
    expect(await names('sort=stars')).toEqual([`${tag} 成都`, `${tag} 杭州`, `${tag} 北京`]);
    expect(await names(`province=${encodeURIComponent('浙江省,四川省')}&minStars=5`)).toEqual([`${tag} 成都`]);
    expect(await names('category=key')).toEqual([`${tag} 北京`]);
    expect(await names('phone=4321')).toEqual([`${tag} 杭州`]);
    expectProblem(await call('GET', '/customers?category=vip', { user: 'admin' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/customers?minStars=9', { user: 'admin' }), 400, 'validation_failed');
    expect(await names('sort=name&pageSize=1')).toHaveLength(1);
  });

  it('pages with a stable cursor', async () => {
    const marker = `游标${Date.now()}`;
    for (let i = 0; i < 3; i += 1)
      await call('POST', '/customers', { user: 'rep.east.2', body: { name: `${marker}-${i}`, kind: 'person' } });
    const first = await call('GET', `/customers?pageSize=2&q=${encodeURIComponent(marker)}`, { user: 'rep.east.2' });
    const second = await call('GET', `/customers?pageSize=2&q=${encodeURIComponent(marker)}&pageToken=${first.body.nextPageToken}`, {
      user: 'rep.east.2',
    });
    const names = [...(first.body.items as { name: string }[]), ...(second.body.items as { name: string }[])].map((c) => c.name);
    expect(names).toEqual([`${marker}-2`, `${marker}-1`, `${marker}-0`]);
    expect(second.body.nextPageToken).toBeNull();
  });

  describe('bad input is a clear 4xx problem and writes nothing', () => {
    let before: number;
    beforeAll(async () => {
      before = await countCustomers();
    });
    afterAll(async () => {
      expect(await countCustomers()).toBe(before);
    });

    it('malformed JSON', async () => {
      expectProblem(await call('POST', '/customers', { user: 'rep.east.1', rawBody: '{"name": "半个' }), 400, 'malformed_json');
    });

    it('wrong types and missing fields, each named', async () => {
      const reply = await call('POST', '/customers', { user: 'rep.east.1', body: { name: 42, starRating: 'five' } });
      expectProblem(reply, 400, 'validation_failed');
      const fields = (reply.body.violations as { field: string }[]).map((v) => v.field).sort();
      expect(fields).toEqual(['kind', 'name', 'starRating']);
    });

    it('unknown fields', async () => {
      const reply = await call('POST', '/customers', {
        user: 'rep.east.1',
        body: { name: '未知字段', kind: 'company', ownerId: 'someone-else' },
      });
      expectProblem(reply, 400, 'validation_failed');
      expect(reply.body.violations).toEqual([{ field: 'ownerId', message: 'is not a known field' }]);
    });

    it('values out of range or badly formed', async () => {
      const reply = await call('POST', '/customers', {
        user: 'rep.east.1',
        body: { name: '', kind: 'robot', email: 'x', creditLimit: { minorUnits: -5, currency: 'rmb' } },
      });
      expectProblem(reply, 400, 'validation_failed');
      expect((reply.body.violations as unknown[]).length).toBeGreaterThanOrEqual(4);
    });

    it('oversize bodies', async () => {
      const reply = await call('POST', '/customers', {
        user: 'rep.east.1',
        body: { name: '大', kind: 'company', source: '长'.repeat(100_000) },
      });
      expectProblem(reply, 413, 'body_too_large');
    });

    it('bodies that are not JSON', async () => {
      expectProblem(
        await call('POST', '/customers', {
          user: 'rep.east.1',
          rawBody: 'name=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'unsupported_media_type',
      );
    });

    it('bad ids and bad query parameters', async () => {
      expectProblem(await call('GET', '/customers/12345', { user: 'admin' }), 400, 'validation_failed');
      expectProblem(await call('GET', '/customers/00000000-0000-4000-8000-000000000000', { user: 'admin' }), 404, 'not_found');
      expectProblem(await call('GET', '/customers?pageSize=0', { user: 'admin' }), 400, 'validation_failed');
      expectProblem(await call('GET', '/customers?pageToken=forged', { user: 'admin' }), 400, 'invalid_argument');
      expectProblem(await call('GET', '/customers?orderBy=name', { user: 'admin' }), 400, 'validation_failed');
      expectProblem(
        await call('PATCH', '/customers/00000000-0000-4000-8000-000000000000', {
          user: 'admin',
          body: { starRating: 1 },
          headers: { 'if-match': 'yesterday' },
        }),
        400,
        'invalid_if_match',
      );
    });

    it('no token, a malformed header, a forged token and a token of another issuer', async () => {
      expectProblem(await call('POST', '/customers', { body: { name: '匿名', kind: 'company' } }), 401, 'token_missing');
      expectProblem(await call('GET', '/customers', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'token_invalid');
      const real = await userToken('admin');
      const [header, payload] = real.split('.');
      const tampered = JSON.parse(Buffer.from(payload, 'base64url').toString());
      tampered.realm_access.roles.push('admin');
      const forged = `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${real.split('.')[2]}`;
      expectProblem(await call('POST', '/customers', { token: forged, body: { name: '伪造', kind: 'company' } }), 401, 'token_invalid');
      const { privateKey } = await generateKeyPair('RS256');
      const foreign = await new SignJWT({ realm_access: { roles: ['admin'] } })
        .setProtectedHeader({ alg: 'RS256', kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid })
        .setIssuer('http://localhost:8180/realms/liaison')
        .setAudience('liaison-api')
        .setSubject('intruder')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      expectProblem(await call('POST', '/customers', { token: foreign, body: { name: '外来', kind: 'company' } }), 401, 'token_invalid');
    });

    it('an expired token', async () => {
      // A realm client whose tokens live a few seconds; the platform runs with 1 s clock tolerance.
      const shortLived = await freshUserToken('rep.east.1', SHORT_LIVED_CLIENT);
      expect((await call('GET', '/customers', { token: shortLived })).status).toBe(200);
      const { exp } = JSON.parse(Buffer.from(shortLived.split('.')[1], 'base64url').toString()) as { exp: number };
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 2500));
      expectProblem(await call('POST', '/customers', { token: shortLived, body: { name: '过期', kind: 'company' } }), 401, 'token_expired');
    });

    it('a permission the role does not have', async () => {
      expectProblem(await call('POST', '/customers', { user: 'analyst', body: { name: '分析师', kind: 'company' } }), 403, 'forbidden');
      expectProblem(
        await call('POST', '/customers', { user: 'partner.acme', body: { name: '合作伙伴', kind: 'company' } }),
        403,
        'forbidden',
      );
    });

    it('a known path with a method it does not serve (405 with Allow), and unknown paths (404)', async () => {
      const wrongMethod = await call('DELETE', '/customers', { user: 'admin' });
      expectProblem(wrongMethod, 405, 'method_not_allowed');
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
      // Refused for its method before its body is looked at, with or without a token.
      const putWithText = await call('PUT', '/customers/00000000-0000-4000-8000-000000000000', {
        rawBody: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      expectProblem(putWithText, 405, 'method_not_allowed');
      expect(putWithText.headers.get('allow')).toBe('GET, HEAD, PATCH, OPTIONS');
      expectProblem(await call('GET', '/customer', { user: 'admin' }), 404, 'route_not_found');
      expectProblem(await call('DELETE', '/customers/a/b', { user: 'admin' }), 404, 'route_not_found');
    });
  });

  it('publishes its OpenAPI 3.1 document, describing every route with its schemas', async () => {
    const response = await fetch(`${platform.baseUrl}/openapi.json`);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    // Other resources add their own paths; these are the customer routes'.
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/customers', '/customers/{id}', '/customers/{id}/category']));
    expect(Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId))).toEqual(
      expect.arrayContaining(['changeCustomerCategory', 'createCustomer', 'getCustomer', 'listCustomers', 'updateCustomer']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Customer',
        'CreateCustomer',
        'UpdateCustomer',
        'CustomerList',
        'Money',
        'Problem',
        'Region',
        'ChangeCategory',
      ]),
    );
  });
});
