import { assignmentEventsV1, assignmentV1, customerV1 } from '@liaison/contracts';
import { PeriodicJob, PgJobLedger } from '@liaison/jobs';
import { createGrpcClient, createLogger, createPool, inTransaction, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { AssignmentService, markContacted } from '../src/domain/assignment-service';
import { callerMetadata, startServiceUnderTest } from './support';

// Ownership against the real stack: the pool, claims racing each other, scoped assignment and
// transfer, pending customers, the history, the events, and the return-to-pool rule run by
// concurrent job runners. The service runs on a database of its own, because the rule returns
// every due customer of the database it runs on.

const { CustomerKind, CustomerCategory } = customerV1;
const { OwnershipChangeKind: Kind, ContactState } = assignmentV1;
const DATABASE = 'customer_assignment_it';
const RUN = Date.now().toString(36);

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let assignments: assignmentV1.CustomerAssignmentServiceClient;
let pool: Pool;
let events: RecordCollector;
const subs: Record<string, string> = {};

const as = callerMetadata;

const create = async (username: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `${name} ${RUN}`, kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...extra }),
      await as(username),
    )
  ).customer!;
const getAs = async (username: string, id: string) =>
  (await unary(customers.getCustomer.bind(customers), { id }, await as(username))).customer!;
const claim = async (username: string, customerId: string) =>
  (await unary(assignments.claimFromPool.bind(assignments), { customerId }, await as(username))).customer!;
const release = async (username: string, customerId: string, reason = '客户暂无需求') =>
  (await unary(assignments.releaseToPool.bind(assignments), { customerId, reason }, await as(username))).customer!;
const assign = async (username: string, customerIds: string[], assignee: string, assigneeUnit: string, reason = '') =>
  (
    await unary(
      assignments.assignCustomers.bind(assignments),
      { customerIds, assigneeId: subs[assignee] ?? assignee, assigneeUnit, reason },
      await as(username),
    )
  ).customers;
const transfer = async (
  username: string,
  customerIds: string[],
  to: string,
  toOwnerUnit: string,
  reason = '业务调整',
  keepPreviousOwnerAsFollower = false,
) =>
  (
    await unary(
      assignments.transferCustomers.bind(assignments),
      { customerIds, toOwnerId: subs[to] ?? to, toOwnerUnit, reason, keepPreviousOwnerAsFollower },
      await as(username),
    )
  ).customers;
const followers = async (username: string, customerIds: string[], follower: string, followerUnit: string) =>
  (
    await unary(
      assignments.assignFollowers.bind(assignments),
      { customerIds, followerId: subs[follower] ?? follower, followerUnit },
      await as(username),
    )
  ).customers;
const history = async (username: string, customerId: string) =>
  (await unary(assignments.getOwnershipHistory.bind(assignments), { customerId }, await as(username))).changes;
const listPool = async (username: string, nameContains = RUN) =>
  (
    await unary(
      assignments.listPool.bind(assignments),
      assignmentV1.ListPoolRequest.fromPartial({ nameContains, page: { pageSize: 200 } }),
      await as(username),
    )
  ).customers;
const listPending = async (username: string, request: Partial<assignmentV1.ListPendingRequest> = {}) =>
  (
    await unary(
      assignments.listPending.bind(assignments),
      assignmentV1.ListPendingRequest.fromPartial({ page: { pageSize: 200 }, ...request }),
      await as(username),
    )
  ).customers;
const ruleAs = async (username: string) => (await unary(assignments.getPoolRule.bind(assignments), {}, await as(username))).rule!;
const setRule = async (username: string, rule: Partial<assignmentV1.UpdatePoolRuleRequest>) =>
  (
    await unary(
      assignments.updatePoolRule.bind(assignments),
      assignmentV1.UpdatePoolRuleRequest.fromPartial({ expectedVersion: (await ruleAs('admin')).version, ...rule }),
      await as(username),
    )
  ).rule!;

/** A customer of `owner` released to the pool. */
const pooled = async (owner: string, name: string) => {
  const customer = await create(owner, name, { phone: '021-6666 8888' });
  await release(owner, customer.id, '放入公海');
  return customer;
};

const ownerOf = async (id: string) =>
  (await pool.query<{ owner_id: string | null }>('SELECT owner_id FROM customers WHERE id = $1', [id])).rows[0].owner_id;
const count = async (sql: string, values: unknown[]) => Number((await pool.query<{ count: string }>(sql, values)).rows[0].count);

// The rule's clock is days long; tests move a customer's clock back instead of waiting.
const ageOwnership = (ids: string[], days: number) =>
  pool.query(`UPDATE customers SET owned_since = now() - make_interval(days => $2), last_contacted_at = NULL WHERE id = ANY($1::uuid[])`, [
    ids,
    days,
  ]);

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(DATABASE);
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-assignment-it', databaseUrl, { POOL_RULE_INTERVAL_MS: '0' });
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  assignments = createGrpcClient(assignmentV1.CustomerAssignmentServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerAssignmentService',
    idempotentMethods: [],
    deadlineMs: 20_000,
  });
  pool = createPool(databaseUrl);
  for (const user of ['admin', 'director', 'manager.east', 'manager.west', 'rep.east.1', 'rep.east.2', 'rep.west.1', 'partner.acme'])
    subs[user] = subjectOf(await userToken(user));
  // Whatever an earlier run left: the rule off, so that only the rule tests return customers.
  await setRule('admin', { enabled: false, daysWithoutContact: 30, excludedCategories: [CustomerCategory.CUSTOMER_CATEGORY_DEAL] });
});

afterAll(async () => {
  customers?.close();
  assignments?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('the public pool', () => {
  it('shows released customers to every pool reader, with pool fields only, whatever their scope', async () => {
    const customer = await pooled('rep.east.1', '公海可见测试');
    expect(customer.ownerId).toBe(subs['rep.east.1']);
    for (const reader of ['rep.west.1', 'rep.east.2', 'manager.west', 'director', 'admin']) {
      const seen = (await listPool(reader)).find((entry) => entry.id === customer.id);
      expect(seen).toMatchObject({ name: customer.name, category: CustomerCategory.CUSTOMER_CATEGORY_POTENTIAL });
      expect(seen?.pooledTime).toBeInstanceOf(Date);
      expect(JSON.stringify(assignmentV1.PoolCustomer.toJSON(seen!))).not.toContain('6666');
    }
    // The record itself stays scoped: a pool reader outside the scope cannot open it.
    await expect(getAs('rep.west.1', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    for (const outsider of ['service.agent', 'analyst', 'partner.acme']) {
      await expect(listPool(outsider)).rejects.toMatchObject({ code: 'permission_denied' });
    }
  });

  it('lets exactly one of two reps claiming at once win; the other is told it is already owned', async () => {
    for (let round = 0; round < 5; round += 1) {
      const customer = await pooled('rep.east.1', `抢占测试${round}`);
      const outcomes = await Promise.allSettled([claim('rep.east.2', customer.id), claim('rep.west.1', customer.id)]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(
        lost.map((outcome) => outcome.reason as { code: string; reason: string }).map(({ code, reason }) => ({ code, reason })),
      ).toEqual([{ code: 'failed_precondition', reason: 'already_owned' }]);
      const winner = (won[0] as PromiseFulfilledResult<customerV1.Customer>).value;
      expect(await ownerOf(customer.id)).toBe(winner.ownerId);
      expect([subs['rep.east.2'], subs['rep.west.1']]).toContain(winner.ownerId);
      expect(winner.ownerUnit).toBe(winner.ownerId === subs['rep.west.1'] ? '/Sales/West' : '/Sales/East');
      expect(await count(`SELECT count(*) FROM customer_ownership_history WHERE customer_id = $1 AND kind = 'claim'`, [customer.id])).toBe(
        1,
      );
    }
  });

  it('refuses claims without pool:update, and answers not_found for customers never in the pool outside the scope', async () => {
    const customer = await pooled('rep.east.1', '无权认领');
    await expect(claim('director', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(claim('analyst', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    const owned = await create('rep.east.1', '从未进公海');
    await expect(claim('rep.west.1', owned.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(claim('rep.east.1', owned.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'already_owned' });
    await expect(claim('rep.west.1', '8a1f3c52-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
    await expect(claim('rep.west.1', 'nope')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('releases: the owner or their supervisor, with a reason; nobody else', async () => {
    const customer = await create('rep.east.1', '释放测试');
    await expect(release('rep.east.1', customer.id, '  ')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'reason' }],
    });
    for (const outsider of ['rep.east.2', 'rep.west.1', 'manager.west'])
      await expect(release(outsider, customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(release('director', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    const released = await release('manager.east', customer.id.toUpperCase(), '长期无人跟进');
    expect(released).toMatchObject({ ownerId: '', ownerUnit: '', version: customer.version + 1 });
    await expect(release('admin', customer.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'already_in_pool' });
    await expect(release('rep.east.1', customer.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('assignment', () => {
  it('hands pool customers to a rep of a unit the supervisor manages, and refuses other units', async () => {
    const [a, b] = [await pooled('rep.west.1', '分配甲'), await pooled('rep.west.1', '分配乙')];
    await expect(assign('manager.east', [a.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'unit_not_managed',
      violations: [{ field: 'assignee_unit' }],
    });
    await expect(assign('manager.east', [a.id], 'rep.east.1', '/Sales/Eastern')).rejects.toMatchObject({ reason: 'unit_not_managed' });
    await expect(assign('rep.east.1', [a.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(assign('director', [a.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(assign('manager.east', [a.id], 'rep.east.1', 'Sales/East')).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await ownerOf(a.id)).toBeNull();

    const assigned = await assign('manager.east', [a.id, b.id], 'rep.east.1', '/Sales/East', '新人培养');
    expect(assigned.map((c) => [c.id, c.ownerId, c.ownerUnit])).toEqual([
      [a.id, subs['rep.east.1'], '/Sales/East'],
      [b.id, subs['rep.east.1'], '/Sales/East'],
    ]);
    expect((await getAs('rep.east.1', a.id)).ownerId).toBe(subs['rep.east.1']);
    const assignChange = (await history('manager.east', a.id)).at(-1);
    expect(assignChange).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_ASSIGN,
      fromOwnerId: '',
      toOwnerId: subs['rep.east.1'],
      toOwnerUnit: '/Sales/East',
      reason: '新人培养',
      actorId: subs['manager.east'],
    });
  });

  it('lets an admin assign into any unit', async () => {
    const customer = await pooled('rep.east.1', '管理员分配');
    const [assigned] = await assign('admin', [customer.id], 'rep.west.1', '/Sales/West');
    expect(assigned).toMatchObject({ ownerId: subs['rep.west.1'], ownerUnit: '/Sales/West' });
    expect((await getAs('manager.west', customer.id)).id).toBe(customer.id);
  });

  it('is all or nothing, naming every refused id', async () => {
    const free = await pooled('rep.east.1', '批量可分配');
    const westOwned = await create('rep.west.1', '西区客户');
    const eastWorked = await create('rep.east.2', '东区在跟客户');
    const before = await count('SELECT count(*) FROM customer_ownership_history WHERE customer_id = ANY($1::uuid[])', [
      [free.id, westOwned.id, eastWorked.id],
    ]);
    const outboxBefore = await count('SELECT count(*) FROM outbox WHERE key = ANY($1::text[])', [[free.id, westOwned.id, eastWorked.id]]);

    await expect(assign('manager.east', [free.id, westOwned.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({
      code: 'not_found',
      violations: [{ field: 'customer_ids[1]', message: expect.stringContaining('not_found') }],
    });
    const mixed = assign('manager.east', [westOwned.id, free.id, eastWorked.id], 'rep.east.1', '/Sales/East');
    await expect(mixed).rejects.toMatchObject({ code: 'failed_precondition', reason: 'bulk_refused' });
    const refused = await mixed.then(
      () => undefined,
      (error: { violations: { field: string; message: string }[] }) => error,
    );
    const violations = refused?.violations;
    expect(violations).toEqual([
      { field: 'customer_ids[0]', message: expect.stringMatching(/^not_found/) },
      { field: 'customer_ids[2]', message: expect.stringMatching(/^owned_use_transfer/) },
    ]);
    expect(JSON.stringify(violations)).not.toContain('西区');

    expect(await ownerOf(free.id)).toBeNull();
    expect(await ownerOf(westOwned.id)).toBe(subs['rep.west.1']);
    expect(
      await count('SELECT count(*) FROM customer_ownership_history WHERE customer_id = ANY($1::uuid[])', [
        [free.id, westOwned.id, eastWorked.id],
      ]),
    ).toBe(before);
    expect(await count('SELECT count(*) FROM outbox WHERE key = ANY($1::text[])', [[free.id, westOwned.id, eastWorked.id]])).toBe(
      outboxBefore,
    );
  });
});

describe('pending customers', () => {
  it('are the ones that came from the pool without contact since, until a follow-up is recorded', async () => {
    const fresh = await pooled('rep.east.1', '待处理未联系');
    const contactedBefore = await pooled('rep.east.1', '待处理已联系');
    await pool.query("UPDATE customers SET last_contacted_at = now() - interval '40 days' WHERE id = $1", [contactedBefore.id]);
    await assign('manager.east', [fresh.id, contactedBefore.id], 'rep.east.2', '/Sales/East');

    const ids = (list: assignmentV1.PendingCustomer[]) =>
      list.map((entry) => entry.customer!.id).filter((id) => [fresh.id, contactedBefore.id].includes(id));
    expect(ids(await listPending('manager.east'))).toEqual([contactedBefore.id, fresh.id]);
    expect(ids(await listPending('manager.east', { contactState: ContactState.CONTACT_STATE_UNCONTACTED }))).toEqual([fresh.id]);
    expect(ids(await listPending('manager.east', { contactState: ContactState.CONTACT_STATE_CONTACTED }))).toEqual([contactedBefore.id]);
    expect(ids(await listPending('manager.east', { unit: '/Sales/East' }))).toHaveLength(2);
    expect(ids(await listPending('manager.east', { unit: '/Sales/West' }))).toEqual([]);
    expect(ids(await listPending('rep.east.2'))).toHaveLength(2);
    expect(ids(await listPending('rep.east.1'))).toEqual([]);
    expect(ids(await listPending('manager.west'))).toEqual([]);
    await expect(listPending('admin', { unit: 'East' })).rejects.toMatchObject({ code: 'invalid_argument' });

    // Contacted ones go to a follower; uncontacted ones stay with the assigned rep until contacted.
    const [followed] = await followers('manager.east', [contactedBefore.id], 'rep.east.1', '/Sales/East');
    expect(followed.ownerId).toBe(subs['rep.east.2']);
    expect(
      (await listPending('manager.east', { contactState: ContactState.CONTACT_STATE_CONTACTED })).find(
        (entry) => entry.customer!.id === contactedBefore.id,
      )?.followerId,
    ).toBe(subs['rep.east.1']);
    await expect(followers('manager.west', [contactedBefore.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({ code: 'not_found' });
    await expect(followers('manager.east', [contactedBefore.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({
      reason: 'unit_not_managed',
    });

    await inTransaction(pool, (tx) => markContacted(tx, fresh.id));
    expect(ids(await listPending('manager.east'))).toEqual([contactedBefore.id]);
    await expect(inTransaction(pool, (tx) => markContacted(tx, '8a1f3c52-0000-4000-8000-000000000000'))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('can be reassigned while pending, but a worked customer moves only by transfer', async () => {
    const customer = await pooled('rep.east.1', '待处理再分配');
    await assign('manager.east', [customer.id], 'rep.east.2', '/Sales/East');
    await assign('manager.east', [customer.id], 'rep.east.1', '/Sales/East');
    await expect(assign('manager.east', [customer.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({ reason: 'already_owner' });
    await inTransaction(pool, (tx) => markContacted(tx, customer.id));
    await expect(assign('manager.east', [customer.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'owned_use_transfer',
    });
  });
});

describe('transfer', () => {
  it("moves customers of the supervisor's units to another rep, optionally keeping the old owner as follower", async () => {
    const [a, b] = [await create('rep.east.1', '转移甲'), await create('rep.east.1', '转移乙')];
    await expect(transfer('rep.east.1', [a.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(transfer('director', [a.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(transfer('manager.west', [a.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({ code: 'not_found' });
    await expect(transfer('manager.east', [a.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({ reason: 'unit_not_managed' });
    await expect(transfer('manager.east', [a.id], 'rep.east.2', '/Sales/East', '')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'reason' }],
    });
    await expect(transfer('manager.east', [a.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({ reason: 'already_owner' });

    const moved = await transfer('manager.east', [a.id, b.id], 'rep.east.2', '/Sales/East', '原销售离职，客户移交', true);
    expect(moved.map((c) => c.ownerId)).toEqual([subs['rep.east.2'], subs['rep.east.2']]);
    // Kept on as follower (跟进人), the previous owner still reads the customer.
    expect((await getAs('rep.east.1', a.id)).ownerId).toBe(subs['rep.east.2']);
    expect((await getAs('rep.east.2', a.id)).ownerId).toBe(subs['rep.east.2']);
    const follower = await pool.query('SELECT follower_id, follower_unit FROM customers WHERE id = $1', [a.id]);
    expect(follower.rows[0]).toEqual({ follower_id: subs['rep.east.1'], follower_unit: '/Sales/East' });
    const last = (await history('rep.east.2', a.id)).at(-1);
    expect(last).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_TRANSFER,
      fromOwnerId: subs['rep.east.1'],
      fromOwnerUnit: '/Sales/East',
      toOwnerId: subs['rep.east.2'],
      reason: '原销售离职，客户移交',
      actorId: subs['manager.east'],
    });

    const toWest = await transfer('admin', [a.id], 'rep.west.1', '/Sales/West', '跨区调整');
    expect(toWest[0]).toMatchObject({ ownerId: subs['rep.west.1'], ownerUnit: '/Sales/West' });
    const inPool = await pooled('rep.east.1', '公海不能转移');
    await expect(transfer('admin', [inPool.id], 'rep.west.1', '/Sales/West')).rejects.toMatchObject({ reason: 'in_pool' });
  });
});

describe('ownership history', () => {
  it('has a row for every change, readable like the customer, and by pool readers while it is in the pool', async () => {
    const customer = await create('rep.east.1', '历史记录客户');
    await release('rep.east.1', customer.id, '暂停跟进');
    expect((await history('rep.west.1', customer.id)).map((c) => c.kind)).toEqual([
      Kind.OWNERSHIP_CHANGE_KIND_CREATE,
      Kind.OWNERSHIP_CHANGE_KIND_RELEASE,
    ]);
    await expect(history('partner.acme', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await claim('rep.east.2', customer.id);
    await transfer('manager.east', [customer.id], 'rep.east.1', '/Sales/East');
    await expect(history('rep.west.1', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(history('rep.east.2', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    const changes = await history('manager.east', customer.id);
    expect(changes.map((c) => [c.kind, c.fromOwnerId, c.toOwnerId, c.actorId])).toEqual([
      [Kind.OWNERSHIP_CHANGE_KIND_CREATE, '', subs['rep.east.1'], subs['rep.east.1']],
      [Kind.OWNERSHIP_CHANGE_KIND_RELEASE, subs['rep.east.1'], '', subs['rep.east.1']],
      [Kind.OWNERSHIP_CHANGE_KIND_CLAIM, '', subs['rep.east.2'], subs['rep.east.2']],
      [Kind.OWNERSHIP_CHANGE_KIND_TRANSFER, subs['rep.east.2'], subs['rep.east.1'], subs['manager.east']],
    ]);
    expect(changes[1].reason).toBe('暂停跟进');
    expect(changes.every((c) => c.changeTime instanceof Date)).toBe(true);
  });
});

describe('events', () => {
  it('publishes one event per ownership change, keyed by customer id, with the change and the customer', async () => {
    const customer = await create('rep.east.1', '事件客户');
    await release('rep.east.1', customer.id, '事件测试');
    await claim('rep.east.2', customer.id);
    await transfer('manager.east', [customer.id], 'rep.east.1', '/Sales/East', '事件转移', true);
    await release('rep.east.1', customer.id, '再次释放');
    await assign('manager.east', [customer.id], 'rep.east.2', '/Sales/East');
    await followers('manager.east', [customer.id], 'rep.east.1', '/Sales/East');
    const expected = [
      'CustomerCreated',
      'CustomerReleased',
      'CustomerClaimed',
      'CustomerTransferred',
      'CustomerReleased',
      'CustomerAssigned',
      'CustomerFollowerAssigned',
    ].map((type) => `liaison.events.v1.${type}`);
    const mine = await waitFor('ownership events', async () => {
      const found = events.records.filter((record) => record.key === customer.id);
      return found.length >= expected.length ? found : undefined;
    });
    expect(mine.map((record) => record.headers.ce_type)).toEqual(expected);
    const transferred = assignmentEventsV1.CustomerTransferred.decode(mine[3].value!);
    expect(transferred.change).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_TRANSFER,
      fromOwnerId: subs['rep.east.2'],
      toOwnerId: subs['rep.east.1'],
      reason: '事件转移',
      actorId: subs['manager.east'],
    });
    expect(transferred.followerId).toBe(subs['rep.east.2']);
    expect(transferred.customer?.ownerId).toBe(subs['rep.east.1']);
    expect(assignmentEventsV1.CustomerClaimed.decode(mine[2].value!).change?.toOwnerUnit).toBe('/Sales/East');
    expect(assignmentEventsV1.CustomerFollowerAssigned.decode(mine[6].value!)).toMatchObject({
      customerId: customer.id,
      followerId: subs['rep.east.1'],
      actorId: subs['manager.east'],
    });
  });
});

describe('the return-to-pool rule', () => {
  afterEach(async () => {
    await setRule('admin', { enabled: false, daysWithoutContact: 30, excludedCategories: [CustomerCategory.CUSTOMER_CATEGORY_DEAL] });
  });

  it('is read and changed by admins only, with optimistic concurrency and validation', async () => {
    await expect(ruleAs('rep.east.1')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(ruleAs('manager.east')).rejects.toMatchObject({ code: 'permission_denied' });
    expect((await ruleAs('director')).excludedCategories).toEqual([CustomerCategory.CUSTOMER_CATEGORY_DEAL]);
    await expect(setRule('director', { enabled: true })).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(setRule('admin', { enabled: true, daysWithoutContact: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'days_without_contact' }],
    });
    const current = await ruleAs('admin');
    await expect(setRule('admin', { enabled: true, daysWithoutContact: 7, expectedVersion: current.version - 1 })).rejects.toMatchObject({
      code: 'version_conflict',
    });
    const updated = await setRule('admin', {
      enabled: true,
      daysWithoutContact: 7,
      excludedCategories: [CustomerCategory.CUSTOMER_CATEGORY_DEAL, CustomerCategory.CUSTOMER_CATEGORY_KEY],
    });
    expect(updated).toMatchObject({ enabled: true, daysWithoutContact: 7, version: current.version + 1, updatedBy: subs.admin });
    await expect(unary(assignments.runPoolRuleNow.bind(assignments), {}, await as('manager.east'))).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('returns nothing while disabled', async () => {
    const due = await create('rep.east.1', '规则关闭');
    await ageOwnership([due.id], 400);
    const run = await unary(assignments.runPoolRuleNow.bind(assignments), {}, await as('admin'));
    expect(run).toEqual({ enabled: false, returnedCustomerIds: [] });
    expect(await ownerOf(due.id)).toBe(subs['rep.east.1']);
  });

  it('with two job runners on one slot, returns each due customer exactly once and spares excluded and recent ones', async () => {
    const due = [await create('rep.east.1', '到期甲'), await create('rep.west.1', '到期乙'), await create('rep.east.2', '到期丙')];
    const deal = await create('rep.east.1', '到期成交');
    await unary(
      customers.changeCustomerCategory.bind(customers),
      customerV1.ChangeCustomerCategoryRequest.fromPartial({
        id: deal.id,
        expectedVersion: 1,
        category: CustomerCategory.CUSTOMER_CATEGORY_DEAL,
      }),
      await as('rep.east.1'),
    );
    const recent = await create('rep.east.1', '未到期');
    const contactedLately = await create('rep.east.1', '近期联系');
    await ageOwnership([...due.map((c) => c.id), deal.id, contactedLately.id], 20);
    await ageOwnership([recent.id], 5);
    await inTransaction(pool, (tx) => markContacted(tx, contactedLately.id));
    await setRule('admin', { enabled: true, daysWithoutContact: 10, excludedCategories: [CustomerCategory.CUSTOMER_CATEGORY_DEAL] });

    const job = `pool-rule-test-${RUN}`;
    const logger = createLogger({ service: 'assignment-it', level: 'silent' });
    const domain = new AssignmentService(pool);
    const runner = (name: string) =>
      new PeriodicJob({
        name: job,
        intervalMs: 3_600_000,
        ledger: new PgJobLedger(pool),
        logger,
        runner: name,
        work: () => domain.returnDueCustomers(),
      });
    const outcomes = await Promise.all([runner('replica-a').tick(), runner('replica-b').tick()]);
    expect(outcomes.filter((outcome) => outcome.ran)).toHaveLength(1);

    const dueIds = due.map((c) => c.id);
    for (const id of dueIds) expect(await ownerOf(id)).toBeNull();
    expect(
      await count(`SELECT count(*) FROM customer_ownership_history WHERE customer_id = ANY($1::uuid[]) AND kind = 'return_to_pool'`, [
        dueIds,
      ]),
    ).toBe(3);
    for (const spared of [deal, recent, contactedLately]) expect(await ownerOf(spared.id)).toBe(subs['rep.east.1']);
    const ledger = await pool.query(`SELECT runner, finished_at, outcome FROM job_runs WHERE job = $1`, [job]);
    expect(ledger.rows).toHaveLength(1);
    expect(ledger.rows[0].finished_at).toBeInstanceOf(Date);
    expect(ledger.rows[0].outcome.result.returnedIds).toEqual(expect.arrayContaining(dueIds));

    const [returned] = (await history('rep.west.1', due[1].id)).slice(-1);
    expect(returned).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_RETURN_TO_POOL,
      fromOwnerId: subs['rep.west.1'],
      fromOwnerUnit: '/Sales/West',
      toOwnerId: '',
      actorId: 'system:pool-rule',
      reason: '10 days without follow-up',
    });
    expect((await listPool('rep.east.2')).map((c) => c.id)).toEqual(expect.arrayContaining(dueIds));
    const record = await waitFor('CustomerReturnedToPool', async () =>
      events.records.find((r) => r.key === due[0].id && r.headers.ce_type === 'liaison.events.v1.CustomerReturnedToPool'),
    );
    expect(assignmentEventsV1.CustomerReturnedToPool.decode(record.value!)).toMatchObject({
      daysWithoutContact: 10,
      change: { kind: Kind.OWNERSHIP_CHANGE_KIND_RETURN_TO_POOL },
    });

    // Evaluations overlapping outside the ledger (a manual run beside the job) still return each once.
    const more = [await create('rep.east.1', '并发到期甲'), await create('rep.east.1', '并发到期乙')];
    await ageOwnership(
      more.map((c) => c.id),
      20,
    );
    const runs = await Promise.all([
      domain.returnDueCustomers(),
      domain.returnDueCustomers(),
      unary(assignments.runPoolRuleNow.bind(assignments), {}, await as('admin')),
    ]);
    const returnedIds = [...runs[0].returnedIds, ...runs[1].returnedIds, ...runs[2].returnedCustomerIds].filter((id) =>
      more.some((c) => c.id === id),
    );
    expect(returnedIds.sort()).toEqual(more.map((c) => c.id).sort());
    expect(
      await count(`SELECT count(*) FROM customer_ownership_history WHERE customer_id = ANY($1::uuid[]) AND kind = 'return_to_pool'`, [
        more.map((c) => c.id),
      ]),
    ).toBe(2);
  });
});
