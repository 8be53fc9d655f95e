import { customerMaintenanceEventsV1, customerMaintenanceV1 } from '@liaison/contracts';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Customer maintenance through the front door: duplicates, merge, bulk delete and the recycle
// bin, bulk notification requests and partner sharing, with the events they publish.

const run = Date.now().toString(36);
const UNKNOWN_ID = '8a1f3c52-0000-4000-8000-000000000000';
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform('customer_maintenance_e2e');
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

type CustomerJson = { id: string; name: string; version: number; phone: string | null; email: string | null };

async function create(user: string, name: string, extra: Record<string, unknown> = {}): Promise<CustomerJson> {
  const reply = await call('POST', '/customers', { user, body: { name, kind: 'company', ...extra } });
  expect(reply.status).toBe(201);
  return reply.body as unknown as CustomerJson;
}

const listedIds = async (user: string, q: string) =>
  ((await call('GET', `/customers?q=${encodeURIComponent(q)}&pageSize=200`, { user })).body.items as { id: string }[]).map(
    (item) => item.id,
  );

async function eventOf(type: string, key: string) {
  return waitFor(`${type} for ${key}`, async () =>
    events.records.find((record) => record.key === key && record.headers.ce_type === `liaison.events.v1.${type}`),
  );
}

const randomDigits = (count: number) => Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('');

describe('duplicates through the gateway', () => {
  it("finds look-alikes by name (full-width, legal form), phone and e-mail, within the caller's scope", async () => {
    const phone = `139${randomDigits(8)}`;
    const original = await create('rep.east.1', `杭州湾${run}科技有限公司`, { phone });
    const fullWidth = await create(
      'rep.east.1',
      `杭州湾${run.toUpperCase().replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))}科技`,
    );
    const byPhone = await create('rep.east.1', `另一家${run}`, { phone: `+86 ${phone}` });
    const reply = await call('GET', `/customers/${original.id}/duplicates`, { user: 'rep.east.1' });
    expect(reply.status).toBe(200);
    const items = reply.body.items as { customer: CustomerJson; reasons: string[]; score: number }[];
    expect(items.map((item) => [item.customer.id, item.reasons, item.score]).sort()).toEqual(
      [
        [byPhone.id, ['phone'], 50],
        [fullWidth.id, ['name'], 60],
      ].sort(),
    );

    const pairs = await call('GET', '/duplicate-customers?pageSize=20', { user: 'rep.east.1' });
    expect(pairs.status).toBe(200);
    const pairIds = (pairs.body.items as { first: CustomerJson; second: CustomerJson }[]).map((pair) => [pair.first.id, pair.second.id]);
    expect(pairIds).toEqual(
      expect.arrayContaining([
        [original.id, fullWidth.id],
        [original.id, byPhone.id],
      ]),
    );

    expectProblem(await call('GET', `/customers/${original.id}/duplicates`, { user: 'rep.east.2' }), 404, 'not_found');
    expectProblem(await call('GET', `/customers/${original.id}/duplicates?pageSize=0`, { user: 'rep.east.1' }), 400, 'validation_failed');
    expectProblem(await call('GET', '/duplicate-customers?pageToken=garbage', { user: 'rep.east.1' }), 400, 'invalid_argument');
    expectProblem(await call('GET', '/duplicate-customers'), 401, 'token_missing');
  });
});

describe('merging through the gateway', () => {
  it('merges with taken fields, answers merged for the old id and publishes both ids', async () => {
    const survivor = await create('rep.east.1', `合并网关${run}有限公司`);
    const merged = await create('rep.east.1', `合并网关${run}`, { phone: '0571-8888 6666', email: `gw.${run}@example.cn` });
    const body = {
      survivorId: survivor.id,
      survivorVersion: survivor.version,
      mergedId: merged.id,
      mergedVersion: merged.version,
      takeFields: ['phone', 'email'],
      reason: '重复',
    };

    expectProblem(await call('POST', '/customers/merge', { user: 'rep.east.1', body }), 403, 'forbidden');
    expectProblem(await call('POST', '/customers/merge', { user: 'manager.west', body }), 404, 'not_found');
    expectProblem(
      await call('POST', '/customers/merge', { user: 'manager.east', body: { ...body, mergedVersion: 9 } }),
      412,
      'version_conflict',
    );
    expectProblem(
      await call('POST', '/customers/merge', { user: 'manager.east', body: { ...body, takeFields: ['ownerId'] } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/customers/merge', { user: 'manager.east', body: { ...body, mergedId: survivor.id } }),
      400,
      'invalid_argument',
    );

    const reply = await call('POST', '/customers/merge', { user: 'manager.east', body });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: survivor.id,
      name: survivor.name,
      phone: '0571-8888 6666',
      email: `gw.${run}@example.cn`,
      version: 2,
    });
    expect(reply.headers.get('etag')).toBe('"2"');

    const gone = await call('GET', `/customers/${merged.id}`, { user: 'rep.east.1' });
    expectProblem(gone, 404, 'merged');
    expect(gone.body.detail).toContain(survivor.id);
    expectProblem(await call('GET', `/customers/${merged.id}`, { user: 'rep.west.1' }), 404, 'not_found');
    expect(await listedIds('manager.east', `合并网关${run}`)).toEqual([survivor.id]);

    const record = await eventOf('CustomersMerged', merged.id);
    expect(customerMaintenanceEventsV1.CustomersMerged.decode(record.value!)).toMatchObject({
      survivorId: survivor.id,
      mergedId: merged.id,
      takenFields: ['phone', 'email'],
    });
  });
});

describe('bulk delete and the recycle bin through the gateway', () => {
  it('deletes softly, hides everywhere, lists for administrators and restores', async () => {
    const name = `网关删除${run}`;
    const [one, two] = [await create('rep.west.1', `${name}一`), await create('rep.west.1', `${name}二`)];
    expectProblem(await call('POST', '/customers/delete', { user: 'rep.west.1', body: { ids: [one.id] } }), 403, 'forbidden');
    const outside = await call('POST', '/customers/delete', { user: 'manager.east', body: { ids: [one.id, two.id] } });
    expectProblem(outside, 404, 'not_found');
    expect(outside.body.violations).toHaveLength(2);
    expectProblem(await call('POST', '/customers/delete', { user: 'manager.west', body: { ids: [] } }), 400, 'validation_failed');

    const deleted = await call('POST', '/customers/delete', { user: 'manager.west', body: { ids: [one.id, two.id], reason: '客户注销' } });
    expect(deleted).toMatchObject({ status: 200, body: { deletedIds: [one.id, two.id] } });
    expectProblem(await call('GET', `/customers/${one.id}`, { user: 'admin' }), 404, 'not_found');
    expect(await listedIds('admin', name)).toEqual([]);
    const record = await eventOf('CustomerDeleted', one.id);
    expect(customerMaintenanceEventsV1.CustomerDeleted.decode(record.value!)).toMatchObject({
      reason: '客户注销',
      deletedBy: subjectOf(await userToken('manager.west')),
    });

    expectProblem(await call('GET', `/deleted-customers?q=${encodeURIComponent(name)}`, { user: 'manager.west' }), 403, 'forbidden');
    const bin = await call('GET', `/deleted-customers?q=${encodeURIComponent(name)}`, { user: 'admin' });
    expect(bin.status).toBe(200);
    expect((bin.body.items as { customer: CustomerJson; reason: string }[]).map((item) => [item.customer.id, item.reason]).sort()).toEqual(
      [
        [one.id, '客户注销'],
        [two.id, '客户注销'],
      ].sort(),
    );

    expectProblem(await call('POST', '/customers/restore', { user: 'manager.west', body: { ids: [one.id] } }), 403, 'forbidden');
    const restored = await call('POST', '/customers/restore', { user: 'admin', body: { ids: [one.id] } });
    expect(restored.status).toBe(200);
    expect((restored.body.items as CustomerJson[]).map((customer) => [customer.id, customer.version])).toEqual([[one.id, 3]]);
    expect((await call('GET', `/customers/${one.id}`, { user: 'rep.west.1' })).status).toBe(200);
    expectProblem(await call('POST', '/customers/restore', { user: 'admin', body: { ids: [one.id] } }), 404, 'not_found');
  });
});

describe('bulk notification requests through the gateway', () => {
  it('accepts the customers in scope, names the others, and publishes exactly the accepted ids', async () => {
    const [mine, alsoMine] = [await create('rep.east.2', `群发网关${run}甲`), await create('rep.east.2', `群发网关${run}乙`)];
    const foreign = await create('rep.west.1', `群发网关${run}外`);
    const reply = await call('POST', '/customers/notifications', {
      user: 'rep.east.2',
      body: { customerIds: [mine.id, foreign.id, alsoMine.id, UNKNOWN_ID], channel: 'email', subject: '中秋问候', text: '祝您中秋快乐！' },
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ acceptedCustomerIds: [mine.id, alsoMine.id], notFoundCustomerIds: [foreign.id, UNKNOWN_ID] });
    const record = await eventOf('CustomerNotificationRequested', reply.body.notificationId as string);
    expect(customerMaintenanceEventsV1.CustomerNotificationRequested.decode(record.value!)).toMatchObject({
      customerIds: [mine.id, alsoMine.id],
      channel: customerMaintenanceV1.CustomerNotificationChannel.CUSTOMER_NOTIFICATION_CHANNEL_EMAIL,
      subject: '中秋问候',
      text: '祝您中秋快乐！',
    });

    expectProblem(
      await call('POST', '/customers/notifications', {
        user: 'rep.east.2',
        body: { customerIds: [foreign.id], channel: 'sms', text: '你好' },
      }),
      404,
      'not_found',
    );
    expectProblem(
      await call('POST', '/customers/notifications', { user: 'analyst', body: { customerIds: [mine.id], channel: 'sms', text: '你好' } }),
      403,
      'forbidden',
    );
    expectProblem(
      await call('POST', '/customers/notifications', {
        user: 'rep.east.2',
        body: { customerIds: [mine.id], channel: 'fax', text: '你好' },
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/customers/notifications', {
        user: 'rep.east.2',
        body: { customerIds: [mine.id], channel: 'sms', text: '你好', templateId: 'hello' },
      }),
      400,
      'invalid_argument',
    );
  });
});

describe('partner sharing through the gateway', () => {
  it('gives partner.acme read-only access while shared, and takes it away again', async () => {
    const customer = await create('rep.east.1', `网关共享${run}`);
    const shares = `/customers/${customer.id}/shares`;
    expectProblem(await call('GET', `/customers/${customer.id}`, { user: 'partner.acme' }), 404, 'not_found');

    expectProblem(await call('POST', shares, { user: 'rep.east.1', body: { unit: '/Partners/Acme' } }), 403, 'forbidden');
    expectProblem(await call('POST', shares, { user: 'manager.west', body: { unit: '/Partners/Acme' } }), 404, 'not_found');
    expectProblem(await call('POST', shares, { user: 'manager.east', body: { unit: '/Sales/West' } }), 400, 'validation_failed');
    const shared = await call('POST', shares, { user: 'manager.east', body: { unit: '/Partners/Acme' } });
    expect(shared.status).toBe(201);
    expect(shared.headers.get('location')).toBe(`/api/v1${shares}/%2FPartners%2FAcme`);
    expect(shared.body).toMatchObject({
      customerId: customer.id,
      unit: '/Partners/Acme',
      sharedBy: subjectOf(await userToken('manager.east')),
    });
    expect((await call('POST', shares, { user: 'admin', body: { unit: '/Partners/Acme' } })).status).toBe(200);
    expect((await call('POST', shares, { user: 'admin', body: { unit: `/Partners/另一家${run}` } })).status).toBe(201);

    const read = await call('GET', `/customers/${customer.id}`, { user: 'partner.acme' });
    expect(read.status).toBe(200);
    expect(await listedIds('partner.acme', `网关共享${run}`)).toEqual([customer.id]);
    expectProblem(
      await call('PATCH', `/customers/${customer.id}`, { user: 'partner.acme', body: { starRating: 5, version: 1 } }),
      403,
      'forbidden',
    );
    expect(((await call('GET', shares, { user: 'partner.acme' })).body.items as { unit: string }[]).map((share) => share.unit)).toEqual([
      '/Partners/Acme',
    ]);
    expect((await call('GET', shares, { user: 'manager.east' })).body.items as unknown[]).toHaveLength(2);

    const acme = `${shares}/${encodeURIComponent('/Partners/Acme')}`;
    expectProblem(await call('DELETE', acme, { user: 'partner.acme' }), 403, 'forbidden');
    expect((await call('DELETE', acme, { user: 'manager.east' })).status).toBe(204);
    expectProblem(await call('GET', `/customers/${customer.id}`, { user: 'partner.acme' }), 404, 'not_found');
    expect(await listedIds('partner.acme', `网关共享${run}`)).toEqual([]);
    expectProblem(await call('DELETE', acme, { user: 'manager.east' }), 404, 'not_found');
    expect(customerMaintenanceEventsV1.CustomerUnshared.decode((await eventOf('CustomerUnshared', customer.id)).value!)).toMatchObject({
      unit: '/Partners/Acme',
    });
  });
});

describe('the OpenAPI document', () => {
  it('declares every maintenance operation with its permission', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    };
    const permissions = Object.fromEntries(
      [
        ['get', '/duplicate-customers'],
        ['get', '/customers/{id}/duplicates'],
        ['post', '/customers/merge'],
        ['post', '/customers/delete'],
        ['post', '/customers/restore'],
        ['get', '/deleted-customers'],
        ['post', '/customers/notifications'],
        ['get', '/customers/{id}/shares'],
        ['post', '/customers/{id}/shares'],
        ['delete', '/customers/{id}/shares/{unit}'],
      ].map(([method, path]) => [`${method} ${path}`, doc.paths[path]?.[method]?.['x-permission']]),
    );
    expect(permissions).toEqual({
      'get /duplicate-customers': 'customer:read',
      'get /customers/{id}/duplicates': 'customer:read',
      'post /customers/merge': 'customer:update',
      'post /customers/delete': 'customer:delete',
      'post /customers/restore': 'admin:update',
      'get /deleted-customers': 'admin:read',
      'post /customers/notifications': 'messaging:create',
      'get /customers/{id}/shares': 'customer:read',
      'post /customers/{id}/shares': 'customer:assign',
      'delete /customers/{id}/shares/{unit}': 'customer:assign',
    });
  });
});
