import { contactEventsV1 } from '@liaison/contracts';
import { collectRecords, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Contacts through the front door: Keycloak token → gateway → customer service → PostgreSQL →
// outbox → Kafka, a shorter walk than the service's integration test.

let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;
const run = Date.now().toString(36);

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform('customer_contacts_e2e');
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

async function customerOf(user: string, name: string): Promise<string> {
  const reply = await call('POST', '/customers', { user, body: { name: `${name} ${run}`, kind: 'company' } });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

async function contactOf(user: string, customerId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await call('POST', `/customers/${customerId}/contacts`, { user, body });
  expect(reply.status).toBe(201);
  return reply.body;
}

describe('contacts through the gateway', () => {
  it("creates a full Chinese contact, reads it back, and shows it only inside the customer's scope", async () => {
    const customerId = await customerOf('rep.east.1', '杭州西湖龙井茶业');
    const created = await call('POST', `/customers/${customerId}/contacts`, {
      user: 'rep.east.1',
      body: {
        name: '王建国',
        title: '采购总监',
        department: '采购部',
        phones: [
          { kind: 'mobile', number: '+86 138 0013 8000' },
          { kind: 'office', number: '0571-8888 6666 转 801' },
        ],
        email: 'wangjg@xihu-tea.cn',
        imAccounts: [
          { kind: 'wechat', handle: 'wangjg_1975' },
          { kind: 'dingtalk', handle: '王建国' },
        ],
        address: '浙江省杭州市西湖区龙井路 1 号',
        birthday: { month: 2, day: 29 },
        hobbies: ['钓鱼', '茶道'],
        loginAccount: 'WangJG',
        isPrimary: true,
        notes: '喜欢早上联系',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/api/v1/contacts/${id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      customerId,
      name: '王建国',
      birthday: { month: 2, day: 29 },
      loginAccount: 'wangjg',
      isPrimary: true,
      version: 1,
      phones: [
        { kind: 'mobile', number: '+86 138 0013 8000' },
        { kind: 'office', number: '0571-8888 6666 转 801' },
      ],
      imAccounts: [
        { kind: 'wechat', handle: 'wangjg_1975' },
        { kind: 'dingtalk', handle: '王建国' },
      ],
    });
    expect((await call('GET', `/contacts/${id}`, { user: 'rep.east.1' })).body).toEqual(created.body);
    const found = await call('GET', `/customers/${customerId}/contacts?phone=8000&q=${encodeURIComponent('建国')}`, {
      user: 'manager.east',
    });
    expect(found.body).toEqual({ items: [created.body], nextPageToken: null });

    for (const outsider of ['rep.east.2', 'rep.west.1', 'manager.west', 'partner.acme']) {
      for (const path of [`/contacts/${id}`, `/customers/${customerId}/contacts`, `/customers/${customerId}/contact-graph`]) {
        const reply = await call('GET', path, { user: outsider });
        expectProblem(reply, 404, 'not_found');
        expect(JSON.stringify(reply.body)).not.toContain('王建国');
      }
    }
    for (const insider of ['manager.east', 'director', 'analyst', 'service.agent', 'admin']) {
      expect((await call('GET', `/contacts/${id}`, { user: insider })).status).toBe(200);
    }

    const record = await waitFor('ContactCreated on Kafka', async () =>
      events.records.find((r) => r.key === customerId && r.headers.ce_type === 'liaison.events.v1.ContactCreated'),
    );
    expect(record.headers.ce_subject).toBe(id);
    expect(contactEventsV1.ContactCreated.decode(record.value!).contact).toMatchObject({ id, name: '王建国', customerId });
  });

  it('changes and deletes with If-Match or a version, moving the primary flag', async () => {
    const customerId = await customerOf('rep.west.1', '成都天府软件园');
    const first = await contactOf('rep.west.1', customerId, { name: '刘洋', isPrimary: true, title: '经理' });
    const second = await contactOf('rep.west.1', customerId, { name: '杨帆' });
    const path = `/contacts/${second.id}`;

    const updated = await call('PATCH', path, {
      user: 'rep.west.1',
      body: { isPrimary: true, hobbies: ['火锅'], birthday: { month: 10, day: 1, year: 1985 } },
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, isPrimary: true, hobbies: ['火锅'], birthday: { month: 10, day: 1, year: 1985 } });
    expect(updated.headers.get('etag')).toBe('"2"');
    expect((await call('GET', `/contacts/${first.id}`, { user: 'rep.west.1' })).body).toMatchObject({ isPrimary: false, version: 2 });

    expectProblem(
      await call('PATCH', path, { user: 'rep.west.1', body: { title: '旧' }, headers: { 'if-match': '"1"' } }),
      412,
      'version_conflict',
    );
    expectProblem(await call('PATCH', path, { user: 'rep.west.1', body: { title: '无版本' } }), 428, 'precondition_required');
    expect((await call('PATCH', path, { user: 'rep.west.1', body: { birthday: null, version: 2 } })).body).toMatchObject({
      birthday: null,
      version: 3,
    });
    expectProblem(await call('PATCH', path, { user: 'rep.east.1', body: { title: '越权', version: 3 } }), 404, 'not_found');
    expectProblem(await call('PATCH', path, { user: 'analyst', body: { title: '越权', version: 3 } }), 403, 'forbidden');

    expectProblem(await call('DELETE', path, { user: 'rep.west.1', headers: { 'if-match': '"3"' } }), 403, 'forbidden');
    expectProblem(await call('DELETE', path, { user: 'manager.west' }), 428, 'precondition_required');
    expectProblem(await call('DELETE', `${path}?version=2`, { user: 'manager.west' }), 412, 'version_conflict');
    expectProblem(await call('DELETE', path, { user: 'manager.east', headers: { 'if-match': '"3"' } }), 404, 'not_found');
    expect((await call('DELETE', `${path}?version=3`, { user: 'manager.west' })).status).toBe(204);
    expectProblem(await call('GET', path, { user: 'rep.west.1' }), 404, 'not_found');
    expect(
      ((await call('GET', `/customers/${customerId}/contacts`, { user: 'rep.west.1' })).body.items as { id: string }[]).map((c) => c.id),
    ).toEqual([first.id]);
  });

  it('builds the relation graph with PUT and DELETE, refusing cycles, self-relations and other customers', async () => {
    const customerId = await customerOf('rep.east.2', '温州瓯海鞋业');
    const boss = await contactOf('rep.east.2', customerId, { name: '郑国强' });
    const buyer = await contactOf('rep.east.2', customerId, { name: '冯涛' });
    const relation = (from: unknown, to: unknown) => `/contacts/${from}/relations/${to}`;

    const put = await call('PUT', relation(buyer.id, boss.id), { user: 'rep.east.2', body: { kind: 'reports_to' } });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ from: buyer.id, to: boss.id, kind: 'reports_to', label: null });
    expect((await call('PUT', relation(buyer.id, boss.id), { user: 'rep.east.2', body: { kind: 'reports_to' } })).status).toBe(200);
    const other = await call('PUT', relation(boss.id, buyer.id), { user: 'rep.east.2', body: { kind: 'other', label: '老乡' } });
    expect(other.status).toBe(201);
    expectProblem(
      await call('PUT', relation(boss.id, buyer.id), { user: 'rep.east.2', body: { kind: 'reports_to' } }),
      409,
      'reporting_cycle',
    );
    expectProblem(
      await call('PUT', relation(boss.id, boss.id), { user: 'rep.east.2', body: { kind: 'influences' } }),
      400,
      'invalid_argument',
    );
    expectProblem(
      await call('PUT', relation(boss.id, buyer.id), { user: 'rep.east.2', body: { kind: 'boss_of' } }),
      400,
      'validation_failed',
    );
    const stranger = await contactOf('rep.east.2', await customerOf('rep.east.2', '另一家'), { name: '外人' });
    expectProblem(
      await call('PUT', relation(boss.id, stranger.id), { user: 'rep.east.2', body: { kind: 'influences' } }),
      400,
      'invalid_argument',
    );
    expectProblem(await call('PUT', relation(boss.id, buyer.id), { user: 'rep.east.1', body: { kind: 'influences' } }), 404, 'not_found');
    expectProblem(
      await call('PUT', relation(boss.id, buyer.id), { user: 'service.agent', body: { kind: 'influences' } }),
      403,
      'forbidden',
    );

    const graph = await call('GET', `/customers/${customerId}/contact-graph`, { user: 'manager.east' });
    expect(graph.status).toBe(200);
    expect((graph.body.nodes as { id: string }[]).map((n) => n.id)).toEqual([boss.id, buyer.id]);
    expect(graph.body.edges).toEqual([
      { from: buyer.id, to: boss.id, kind: 'reports_to', label: null },
      { from: boss.id, to: buyer.id, kind: 'other', label: '老乡' },
    ]);

    expect((await call('DELETE', relation(boss.id, buyer.id), { user: 'rep.east.2' })).status).toBe(204);
    expectProblem(await call('DELETE', relation(boss.id, buyer.id), { user: 'rep.east.2' }), 404, 'not_found');
    expect((await call('GET', `/customers/${customerId}/contact-graph`, { user: 'rep.east.2' })).body.edges as unknown[]).toHaveLength(1);
  });

  it('answers bad input with a clear 4xx problem', async () => {
    const customerId = await customerOf('rep.east.1', '坏输入');
    const base = `/customers/${customerId}/contacts`;
    const invalid = await call('POST', base, {
      user: 'rep.east.1',
      body: { name: '', phones: [{ kind: 'fax', number: '1' }], birthday: { month: 13, day: 1 }, gender: 'male' },
    });
    expectProblem(invalid, 400, 'validation_failed');
    expect((invalid.body.violations as { field: string }[]).map((v) => v.field)).toEqual(
      expect.arrayContaining(['name', 'gender', 'birthday.month']),
    );
    const badMobile = await call('POST', base, {
      user: 'rep.east.1',
      body: { name: '号码错', phones: [{ kind: 'mobile', number: '0571-8888 6666' }], birthday: { month: 2, day: 30 } },
    });
    expectProblem(badMobile, 400, 'invalid_argument');
    expect(badMobile.body.violations).toEqual([
      { field: 'phones[0]', message: expect.any(String) },
      { field: 'birthday', message: expect.any(String) },
    ]);
    await contactOf('rep.east.1', customerId, { name: '账号一', loginAccount: 'portal-1' });
    expectProblem(
      await call('POST', base, { user: 'rep.east.1', body: { name: '账号二', loginAccount: 'PORTAL-1' } }),
      409,
      'login_account_taken',
    );
    expectProblem(
      await call('POST', '/customers/not-a-uuid/contacts', { user: 'rep.east.1', body: { name: '坏id' } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/customers/00000000-0000-4000-8000-000000000000/contacts', { user: 'rep.east.1', body: { name: '无客户' } }),
      404,
      'not_found',
    );
    expectProblem(await call('GET', `${base}?phone=12`, { user: 'rep.east.1' }), 400, 'validation_failed');
    expectProblem(await call('GET', `${base}?pageToken=forged`, { user: 'rep.east.1' }), 400, 'invalid_argument');
    expectProblem(await call('GET', '/contacts/12345', { user: 'rep.east.1' }), 400, 'validation_failed');
    expectProblem(
      await call('PATCH', '/contacts/00000000-0000-4000-8000-000000000000', {
        user: 'rep.east.1',
        body: { name: 'x' },
        headers: { 'if-match': 'latest' },
      }),
      400,
      'invalid_if_match',
    );
    expectProblem(await call('POST', base, { body: { name: '匿名' } }), 401, 'token_missing');
    expectProblem(await call('POST', base, { user: 'partner.acme', body: { name: '伙伴' } }), 403, 'forbidden');
  });

  it('describes the contact routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'operationId': string; 'x-permission': string }>>;
    };
    const operations = Object.fromEntries(
      Object.entries(doc.paths)
        .filter(([path]) => path.includes('contact'))
        .flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, `${op.operationId} ${op['x-permission']}`]),
        ),
    );
    expect(operations).toEqual({
      'POST /customers/{customerId}/contacts': 'createContact contact:create',
      'GET /customers/{customerId}/contacts': 'listContacts contact:read',
      'GET /customers/{customerId}/contact-graph': 'getContactGraph contact:read',
      'GET /contacts/{id}': 'getContact contact:read',
      'PATCH /contacts/{id}': 'updateContact contact:update',
      'DELETE /contacts/{id}': 'deleteContact contact:delete',
      'PUT /contacts/{id}/relations/{toId}': 'setContactRelation contact:update',
      'DELETE /contacts/{id}/relations/{toId}': 'removeContactRelation contact:update',
    });
  });
});
