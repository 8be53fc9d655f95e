import { assignmentV1, contactV1, customerV1, handoverEventsV1, handoverV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { ensureDatabase, subjectOf, userToken } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata as as, startServiceUnderTest } from './support';

// CUS-15 员工异动交接 against the real stack. The leaving employees are made-up user ids (the
// service has no user directory), so each test owns its customers outright: they are created
// by a rep and moved to the made-up employee directly in SQL, in the rep's unit.

const { CustomerKind } = customerV1;
const { HandoverDistribution: Distribution } = handoverV1;
const { OwnershipChangeKind: Kind } = assignmentV1;
const DATABASE = 'customer_handover_it';
const RUN = Date.now().toString(36);

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let contacts: contactV1.ContactServiceClient;
let handovers: handoverV1.HandoverServiceClient;
let assignments: assignmentV1.CustomerAssignmentServiceClient;
let pool: Pool;
const subs: Record<string, string> = {};
let serial = 0;

const leaver = () => `leaver-${RUN}-${(serial += 1)}`;

/** `count` customers created by rep.east.1 and now owned (or followed) by `employee` in /Sales/East. */
async function customersOf(
  employee: string,
  count: number,
  options: { follow?: boolean; createdByEmployee?: boolean } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `交接客户 ${RUN} ${serial}-${i}`, kind: CustomerKind.CUSTOMER_KIND_COMPANY }),
      await as('rep.east.1'),
    );
    ids.push(created.customer!.id);
  }
  if (options.follow)
    await pool.query('UPDATE customers SET follower_id = $2, follower_unit = $3 WHERE id = ANY($1::uuid[])', [
      ids,
      employee,
      '/Sales/East',
    ]);
  else await pool.query('UPDATE customers SET owner_id = $2 WHERE id = ANY($1::uuid[])', [ids, employee]);
  if (options.createdByEmployee) await pool.query('UPDATE customers SET created_by = $2 WHERE id = ANY($1::uuid[])', [ids, employee]);
  return ids;
}

const handOver = async (username: string, request: Partial<handoverV1.CreateHandoverRequest>) =>
  (
    await unary(
      handovers.createHandover.bind(handovers),
      handoverV1.CreateHandoverRequest.fromPartial({ reason: '员工离职', ...request }),
      await as(username),
    )
  ).handover!;
const east = (...users: string[]) => users.map((user) => ({ userId: subs[user] ?? user, unit: '/Sales/East' }));
const rows = async (ids: string[]) =>
  (
    await pool.query<{ id: string; owner_id: string; owner_unit: string; follower_id: string | null; created_by: string }>(
      'SELECT id, owner_id, owner_unit, follower_id, created_by FROM customers WHERE id = ANY($1::uuid[])',
      [ids],
    )
  ).rows;
const outboxOf = async (type: string, key: string) =>
  (await pool.query<{ payload: Buffer }>('SELECT payload FROM outbox WHERE type = $1 AND key = $2 ORDER BY id', [type, key])).rows;

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(DATABASE);
  service = await startServiceUnderTest('customer-handover-it', databaseUrl, { POOL_RULE_INTERVAL_MS: '0' });
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = { idempotentMethods: [], deadlineMs: 60_000 };
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    ...options,
  });
  contacts = createGrpcClient(contactV1.ContactServiceClient, address, { serviceName: 'liaison.customer.v1.ContactService', ...options });
  handovers = createGrpcClient(handoverV1.HandoverServiceClient, address, {
    serviceName: 'liaison.customer.v1.HandoverService',
    ...options,
  });
  assignments = createGrpcClient(assignmentV1.CustomerAssignmentServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerAssignmentService',
    ...options,
  });
  pool = createPool(databaseUrl);
  for (const user of ['admin', 'manager.east', 'manager.west', 'rep.east.1', 'rep.east.2', 'rep.west.1', 'director'])
    subs[user] = subjectOf(await userToken(user));
});

afterAll(async () => {
  for (const client of [customers, contacts, handovers, assignments]) client?.close();
  await pool?.end();
  await service?.host.stop();
});

describe('handing over all customers', () => {
  it('spreads them evenly over several successors in creation order, with history and events', async () => {
    const from = leaver();
    const ids = await customersOf(from, 5);
    const handover = await handOver('admin', { fromUserId: from, successors: east('rep.east.1', 'rep.east.2') });
    expect(handover).toMatchObject({
      fromUserId: from,
      allCustomers: true,
      customerCount: 5,
      followedCount: 0,
      actorId: subs.admin,
      fromUnits: ['/Sales/East'],
    });
    expect(handover.successors.map((s) => [s.userId, s.customerCount])).toEqual([
      [subs['rep.east.1'], 3],
      [subs['rep.east.2'], 2],
    ]);
    const owners = new Map((await rows(ids)).map((row) => [row.id, row.owner_id]));
    expect(ids.map((id) => owners.get(id))).toEqual([
      subs['rep.east.1'],
      subs['rep.east.2'],
      subs['rep.east.1'],
      subs['rep.east.2'],
      subs['rep.east.1'],
    ]);

    const changes = (await unary(assignments.getOwnershipHistory.bind(assignments), { customerId: ids[1] }, await as('admin'))).changes;
    expect(changes.at(-1)).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_HANDOVER,
      fromOwnerId: from,
      toOwnerId: subs['rep.east.2'],
      reason: '员工离职',
      actorId: subs.admin,
    });
    expect(await outboxOf('liaison.events.v1.CustomerTransferred', ids[0])).toHaveLength(1);
    const [event] = await outboxOf('liaison.events.v1.EmployeeHandedOver', handover.id);
    const payload = handoverEventsV1.EmployeeHandedOver.decode(event.payload);
    expect(payload).toMatchObject({
      handoverId: handover.id,
      fromUserId: from,
      allRecords: true,
      rewriteCreator: false,
      part: 1,
      parts: 1,
    });
    expect(payload.moved.map((m) => [m.successorId, m.customerIds.length])).toEqual([
      [subs['rep.east.1'], 3],
      [subs['rep.east.2'], 2],
    ]);
    expect(payload.moved.flatMap((m) => m.customerIds).sort()).toEqual([...ids].sort());
  });

  it('moves the customers the employee follows, and pending ones', async () => {
    const from = leaver();
    const owned = await customersOf(from, 1);
    await pool.query('UPDATE customers SET pending_since = now() WHERE id = $1', [owned[0]]);
    const followed = await customersOf(from, 2, { follow: true });
    const handover = await handOver('manager.east', { fromUserId: from, successors: east('rep.east.2') });
    expect(handover).toMatchObject({ customerCount: 1, followedCount: 2 });
    const after = new Map((await rows([...owned, ...followed])).map((row) => [row.id, row]));
    expect(after.get(owned[0])?.owner_id).toBe(subs['rep.east.2']);
    expect(after.get(followed[0])).toMatchObject({ owner_id: subs['rep.east.1'], follower_id: subs['rep.east.2'] });
    expect(await outboxOf('liaison.events.v1.CustomerFollowerAssigned', followed[1])).toHaveLength(1);
  });

  it('rewrites the creator of customers and their contacts only when asked', async () => {
    const from = leaver();
    const [kept, rewritten] = [
      await customersOf(from, 1, { createdByEmployee: true }),
      await customersOf(from, 1, { createdByEmployee: true }),
    ];
    const contact = await unary(
      contacts.createContact.bind(contacts),
      contactV1.CreateContactRequest.fromPartial({ customerId: rewritten[0], contact: { name: '王经理' } }),
      await as('admin'),
    );
    await pool.query('UPDATE contacts SET created_by = $2 WHERE id = $1', [contact.contact!.id, from]);

    await handOver('admin', { fromUserId: from, customerIds: kept, successors: east('rep.east.2') });
    expect((await rows(kept))[0]).toMatchObject({ owner_id: subs['rep.east.2'], created_by: from });
    const handover = await handOver('admin', {
      fromUserId: from,
      customerIds: rewritten,
      successors: east('rep.east.2'),
      rewriteCreator: true,
    });
    expect(handover).toMatchObject({ allCustomers: false, rewriteCreator: true, creatorRewrittenCount: 2 });
    expect((await rows(rewritten))[0]).toMatchObject({ owner_id: subs['rep.east.2'], created_by: subs['rep.east.2'] });
    const contactRow = await pool.query<{ created_by: string }>('SELECT created_by FROM contacts WHERE id = $1', [contact.contact!.id]);
    expect(contactRow.rows[0].created_by).toBe(subs['rep.east.2']);
  });
});

describe('handing over selected customers', () => {
  it('moves only the selection, by explicit mapping', async () => {
    const from = leaver();
    const ids = await customersOf(from, 3);
    const handover = await handOver('admin', {
      fromUserId: from,
      customerIds: [ids[0], ids[1]],
      distribution: Distribution.HANDOVER_DISTRIBUTION_MAPPING,
      successors: east('rep.east.1', 'rep.east.2'),
      assignments: [
        { customerId: ids[0], successorId: subs['rep.east.2'] },
        { customerId: ids[1], successorId: subs['rep.east.2'] },
      ],
    });
    expect(handover.successors.map((s) => s.customerCount)).toEqual([0, 2]);
    const owners = new Map((await rows(ids)).map((row) => [row.id, row.owner_id]));
    expect([owners.get(ids[0]), owners.get(ids[1]), owners.get(ids[2])]).toEqual([subs['rep.east.2'], subs['rep.east.2'], from]);
    const payload = handoverEventsV1.EmployeeHandedOver.decode(
      (await outboxOf('liaison.events.v1.EmployeeHandedOver', handover.id))[0].payload,
    );
    expect(payload.allRecords).toBe(false);
  });

  it('is idempotent with the request id', async () => {
    const from = leaver();
    await customersOf(from, 1);
    const requestId = `handover-${RUN}-${serial}`;
    const first = await handOver('admin', { requestId, fromUserId: from, successors: east('rep.east.2') });
    const again = await handOver('admin', { requestId, fromUserId: from, successors: east('rep.east.2') });
    expect(again.id).toBe(first.id);
  });
});

describe('who may hand over', () => {
  it('refuses a manager for an employee outside their scope, and a selected customer outside it by index', async () => {
    const from = leaver();
    const ids = await customersOf(from, 1);
    await expect(
      handOver('manager.west', { fromUserId: from, successors: [{ userId: subs['rep.west.1'], unit: '/Sales/West' }] }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const mine = await customersOf(from, 1);
    await pool.query("UPDATE customers SET owner_unit = '/Sales/West' WHERE id = $1", [mine[0]]);
    await expect(
      handOver('manager.west', {
        fromUserId: from,
        customerIds: [mine[0], ids[0]],
        successors: [{ userId: subs['rep.west.1'], unit: '/Sales/West' }],
      }),
    ).rejects.toMatchObject({ code: 'not_found', violations: [{ field: 'customer_ids[1]' }] });
    // A manager hands over only what lies in their scope: the West customer, not the East one.
    const handover = await handOver('manager.west', {
      fromUserId: from,
      successors: [{ userId: subs['rep.west.1'], unit: '/Sales/West' }],
    });
    expect(handover.customerCount).toBe(1);
    expect((await rows(ids))[0].owner_id).toBe(from);
    // Nor into a unit they do not manage.
    await expect(handOver('manager.west', { fromUserId: from, successors: east('rep.east.2') })).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'unit_not_managed',
    });
  });

  it('refuses reps and directors, and bad input', async () => {
    const from = leaver();
    await customersOf(from, 1);
    for (const user of ['rep.east.1', 'director']) {
      await expect(handOver(user, { fromUserId: from, successors: east('rep.east.2') })).rejects.toMatchObject({
        code: 'permission_denied',
      });
    }
    await expect(handOver('admin', { fromUserId: from, successors: [{ userId: from, unit: '/Sales/East' }] })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'successors[0].user_id', message: 'is the leaving employee' }],
    });
    await expect(handOver('admin', { fromUserId: from, successors: [] })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(handOver('admin', { fromUserId: from, successors: [{ userId: subs['rep.east.2'], unit: 'East' }] })).rejects.toMatchObject(
      { code: 'invalid_argument' },
    );
    await expect(handOver('admin', { fromUserId: from, successors: east('rep.east.2'), reason: ' ' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('lets the parties, the managers concerned and admins read a handover, nobody else', async () => {
    const from = leaver();
    await customersOf(from, 1);
    const handover = await handOver('manager.east', { fromUserId: from, successors: east('rep.east.2') });
    for (const reader of ['admin', 'director', 'manager.east', 'rep.east.2']) {
      expect((await unary(handovers.getHandover.bind(handovers), { id: handover.id }, await as(reader))).handover!.id).toBe(handover.id);
    }
    for (const outsider of ['manager.west', 'rep.east.1', 'rep.west.1']) {
      await expect(unary(handovers.getHandover.bind(handovers), { id: handover.id }, await as(outsider))).rejects.toMatchObject({
        code: 'not_found',
      });
    }
    const listed = await unary(
      handovers.listHandovers.bind(handovers),
      handoverV1.ListHandoversRequest.fromPartial({ fromUserId: from }),
      await as('manager.east'),
    );
    expect(listed.handovers.map((h) => h.id)).toEqual([handover.id]);
    const hidden = await unary(
      handovers.listHandovers.bind(handovers),
      handoverV1.ListHandoversRequest.fromPartial({ fromUserId: from }),
      await as('manager.west'),
    );
    expect(hidden.handovers).toHaveLength(0);
  });
});

describe('a large handover', () => {
  it('moves twenty thousand customers in one transaction with set-based statements', async () => {
    const from = leaver();
    await pool.query(
      `INSERT INTO customers (id, name, kind, owner_id, owner_unit, created_by, updated_by)
       SELECT gen_random_uuid(), '批量交接 ' || $2 || ' ' || n, 'company', $1, '/Sales/East', $1, $1 FROM generate_series(1, 20000) AS n`,
      [from, RUN],
    );
    const started = Date.now();
    const handover = await handOver('admin', {
      fromUserId: from,
      successors: east('rep.east.1', 'rep.east.2', 'manager.east'),
      rewriteCreator: true,
    });
    expect(handover.customerCount).toBe(20000);
    expect(handover.successors.map((s) => s.customerCount)).toEqual([6667, 6667, 6666]);
    expect(Date.now() - started).toBeLessThan(60_000);
    const parts = await outboxOf('liaison.events.v1.EmployeeHandedOver', handover.id);
    expect(parts).toHaveLength(20);
    const left = await pool.query<{ count: string }>('SELECT count(*) FROM customers WHERE owner_id = $1 OR created_by = $1', [from]);
    expect(Number(left.rows[0].count)).toBe(0);
  });
});
