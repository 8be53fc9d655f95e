import { assignmentEventsV1 } from '@liaison/contracts';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Customer ownership through the front door: the pool, a claim race, scoped bulk assignment,
// pending customers, transfer, the ownership history, the return-to-pool rule and its events.

const DATABASE = 'assignment_e2e';
const RUN = Date.now().toString(36);
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;
const subs: Record<string, string> = {};

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform(DATABASE);
  for (const user of ['manager.east', 'rep.east.1', 'rep.east.2', 'rep.west.1']) subs[user] = subjectOf(await userToken(user));
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

const createCustomer = async (user: string, name: string) => {
  const reply = await call('POST', '/customers', user, { name: `${name} ${RUN}`, kind: 'company', phone: '0571-8765 4321' });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; name: string; version: number };
};

const pooledCustomer = async (name: string) => {
  const customer = await createCustomer('rep.east.1', name);
  expect((await call('POST', `/customers/${customer.id}/release`, 'rep.east.1', { reason: '客户暂无预算' })).status).toBe(200);
  return customer;
};

describe('customer ownership through the gateway', () => {
  it('pools a customer, shows it to other reps without contact details, and lets one of two racing claims win', async () => {
    const customer = await pooledCustomer('杭州公海客户');
    const pool = await call('GET', `/pool/customers?q=${encodeURIComponent(RUN)}&pageSize=200`, 'rep.west.1');
    expect(pool.status).toBe(200);
    const entry = (pool.body.items as { id: string }[]).find((item) => item.id === customer.id);
    expect(entry).toMatchObject({ name: customer.name, category: 'potential', pooledAt: expect.any(String), lastContactedAt: null });
    expect(JSON.stringify(entry)).not.toContain('8765');
    expectProblem(await call('GET', '/pool/customers', 'analyst'), 403, 'forbidden');
    expectProblem(await call('GET', '/pool/customers?category=vip', 'rep.west.1'), 400, 'validation_failed');

    const [first, second] = await Promise.all([
      call('POST', `/pool/customers/${customer.id}/claim`, 'rep.east.2', {}),
      call('POST', `/pool/customers/${customer.id}/claim`, 'rep.west.1', {}),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const [won, lost] = first.status === 200 ? [first, second] : [second, first];
    expectProblem(lost, 409, 'already_owned');
    expect([subs['rep.east.2'], subs['rep.west.1']]).toContain(won.body.ownerId);
    expect(won.body.phone).toBe('0571-8765 4321');
  });

  it('assigns in bulk only into managed units and only all or nothing, then lists the pending customers', async () => {
    const [a, b] = [await pooledCustomer('分配甲'), await pooledCustomer('分配乙')];
    const westOwned = await createCustomer('rep.west.1', '西区自有');
    const body = (ids: string[], unit = '/Sales/East') => ({
      customerIds: ids,
      assigneeId: subs['rep.east.2'],
      assigneeUnit: unit,
      reason: '新人培养',
    });
    expectProblem(await call('POST', '/customers/assign', 'manager.east', body([a.id], '/Sales/West')), 403, 'unit_not_managed');
    expectProblem(await call('POST', '/customers/assign', 'rep.east.1', body([a.id])), 403, 'forbidden');
    const refused = await call('POST', '/customers/assign', 'manager.east', body([a.id, westOwned.id, b.id]));
    expectProblem(refused, 404, 'not_found');
    expect(refused.body.violations).toEqual([{ field: 'customerIds[1]', message: expect.stringContaining('not_found') }]);
    expect((await call('GET', `/pool/customers?q=${encodeURIComponent(a.name)}`, 'rep.east.1')).body.items).toHaveLength(1);
    const invalid = await call('POST', '/customers/assign', 'manager.east', { ...body([a.id, a.id]), extra: true });
    expectProblem(invalid, 400, 'validation_failed');

    const assigned = await call('POST', '/customers/assign', 'manager.east', body([a.id, b.id]));
    expect(assigned.status).toBe(200);
    expect((assigned.body.items as { ownerId: string; ownerUnit: string }[]).map((c) => [c.ownerId, c.ownerUnit])).toEqual([
      [subs['rep.east.2'], '/Sales/East'],
      [subs['rep.east.2'], '/Sales/East'],
    ]);

    const pending = await call('GET', '/pending-customers?contacted=false&unit=/Sales/East&pageSize=200', 'manager.east');
    expect(pending.status).toBe(200);
    const ids = (pending.body.items as { customer: { id: string }; pendingSince: string; followerId: string | null }[]).map(
      (item) => item.customer.id,
    );
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await call('GET', '/pending-customers?contacted=true&pageSize=200', 'manager.east')).body.items).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ customer: expect.objectContaining({ id: a.id }) })]),
    );
    expect((await call('GET', '/pending-customers?pageSize=200', 'manager.west')).body.items).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ customer: expect.objectContaining({ id: a.id }) })]),
    );
    expectProblem(await call('GET', '/pending-customers?unit=East', 'manager.east'), 400, 'validation_failed');

    const followed = await call('POST', '/customers/followers', 'manager.east', {
      customerIds: [a.id],
      followerId: subs['rep.east.1'],
      followerUnit: '/Sales/East',
    });
    expect(followed.status).toBe(200);
  });

  it('transfers with a reason, keeps the old owner as follower on request, and records every change', async () => {
    const customer = await createCustomer('rep.east.1', '转移客户');
    const body = {
      customerIds: [customer.id],
      toOwnerId: subs['rep.east.2'],
      toOwnerUnit: '/Sales/East',
      reason: '原销售调岗',
      keepPreviousOwnerAsFollower: true,
    };
    expectProblem(await call('POST', '/customers/transfer', 'rep.east.1', body), 403, 'forbidden');
    expectProblem(
      await call('POST', '/customers/transfer', 'manager.west', { ...body, toOwnerId: subs['rep.west.1'], toOwnerUnit: '/Sales/West' }),
      404,
      'not_found',
    );
    expectProblem(await call('POST', '/customers/transfer', 'manager.east', { ...body, reason: '' }), 400, 'validation_failed');
    const moved = await call('POST', '/customers/transfer', 'manager.east', body);
    expect(moved.status).toBe(200);
    expect((moved.body.items as { ownerId: string }[])[0].ownerId).toBe(subs['rep.east.2']);
    // Kept on as follower (跟进人), the previous owner still reads the customer; others of the unit do not.
    expect((await call('GET', `/customers/${customer.id}`, 'rep.east.1')).status).toBe(200);
    expectProblem(await call('GET', `/customers/${customer.id}`, 'rep.west.1'), 404, 'not_found');

    const history = await call('GET', `/customers/${customer.id}/ownership-history`, 'rep.east.2');
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ kind: 'create', fromOwnerId: null, toOwnerId: subs['rep.east.1'], toOwnerUnit: '/Sales/East' }),
      expect.objectContaining({
        kind: 'transfer',
        fromOwnerId: subs['rep.east.1'],
        toOwnerId: subs['rep.east.2'],
        reason: '原销售调岗',
        actorId: subs['manager.east'],
      }),
    ]);
    expectProblem(await call('GET', `/customers/${customer.id}/ownership-history`, 'rep.west.1'), 404, 'not_found');

    const record = await waitFor('CustomerTransferred', async () =>
      events.records.find((r) => r.key === customer.id && r.headers.ce_type === 'liaison.events.v1.CustomerTransferred'),
    );
    expect(assignmentEventsV1.CustomerTransferred.decode(record.value!)).toMatchObject({
      followerId: subs['rep.east.1'],
      change: { reason: '原销售调岗' },
    });
  });

  it('lets admins set and run the return-to-pool rule, which returns customers without follow-up', async () => {
    expectProblem(await call('GET', '/settings/pool-rule', 'manager.east'), 403, 'forbidden');
    const current = await call('GET', '/settings/pool-rule', 'admin');
    expect(current.status).toBe(200);
    const etag = current.headers.get('etag')!;
    const rule = { enabled: true, daysWithoutContact: 30, excludedCategories: ['deal'] };
    expectProblem(await call('PUT', '/settings/pool-rule', 'manager.east', rule, { 'if-match': etag }), 403, 'forbidden');
    expectProblem(await call('PUT', '/settings/pool-rule', 'admin', rule), 428, 'precondition_required');
    expectProblem(
      await call('PUT', '/settings/pool-rule', 'admin', { ...rule, daysWithoutContact: 0 }, { 'if-match': etag }),
      400,
      'validation_failed',
    );
    expectProblem(await call('PUT', '/settings/pool-rule', 'admin', rule, { 'if-match': '"999999"' }), 412, 'version_conflict');

    const neglected = await createCustomer('rep.west.1', '久未跟进');
    await platform.query(`UPDATE customers SET owned_since = now() - interval '45 days', last_contacted_at = NULL WHERE id = $1`, [
      neglected.id,
    ]);
    const enabled = await call('PUT', '/settings/pool-rule', 'admin', rule, { 'if-match': etag });
    expect(enabled.status).toBe(200);
    try {
      expectProblem(await call('POST', '/settings/pool-rule/run', 'manager.east', {}), 403, 'forbidden');
      const run = await call('POST', '/settings/pool-rule/run', 'admin', {});
      expect(run.status).toBe(200);
      expect(run.body.returnedCustomerIds).toContain(neglected.id);
      const history = await call('GET', `/customers/${neglected.id}/ownership-history`, 'rep.east.1');
      expect((history.body.items as { kind: string; actorId: string }[]).at(-1)).toMatchObject({
        kind: 'return_to_pool',
        actorId: 'system:pool-rule',
      });
      const again = await call('POST', '/settings/pool-rule/run', 'admin', {});
      expect(again.body.returnedCustomerIds).not.toContain(neglected.id);
    } finally {
      await call('PUT', '/settings/pool-rule', 'admin', { ...rule, enabled: false }, { 'if-match': enabled.headers.get('etag')! });
    }
  });

  it('describes its routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    };
    expect(doc.paths['/pool/customers'].get['x-permission']).toBe('pool:read');
    expect(doc.paths['/customers/transfer'].post['x-permission']).toBe('customer:update');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/pool/customers/{id}/claim',
        '/customers/{id}/release',
        '/customers/assign',
        '/customers/followers',
        '/pending-customers',
        '/customers/{id}/ownership-history',
        '/settings/pool-rule',
        '/settings/pool-rule/run',
      ]),
    );
  });
});
