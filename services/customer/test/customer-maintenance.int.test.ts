import { randomUUID } from 'node:crypto';
import { customerV1, customerMaintenanceEventsV1, customerMaintenanceV1, eventsV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import {
  collectRecords,
  ensureDatabase,
  subjectOf,
  userToken,
  waitFor,
  type CollectedRecord,
  type RecordCollector,
} from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-10 and CUS-20 against the real stack: duplicate candidates by name, phone and e-mail;
// merges that move every referring row in one transaction; soft delete, the recycle bin and
// restore; bulk notification requests; read-only partner sharing; and the events of each.

const { CustomerKind } = customerV1;
const { DuplicateReason: Reason, CustomerNotificationChannel: Channel } = customerMaintenanceV1;
const run = Date.now().toString(36);
const UNKNOWN_ID = '8a1f3c52-0000-4000-8000-000000000000';
// A table another feature might add later, referring to customers: the merge must move it too.
const PROBE_TABLE = 'merge_probe_notes';

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let maintenance: customerMaintenanceV1.CustomerMaintenanceServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

const userId = async (username: string) => subjectOf(await userToken(username));

/** ASCII as full-width characters (Ａ, １, ＠ ...), as Chinese input methods often type them. */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const randomDigits = (count: number) => Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('');

async function create(owner: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({ name, kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...extra });
  return (await unary(customers.createCustomer.bind(customers), request, await as(owner))).customer!;
}

const get = async (username: string, id: string) =>
  (await unary(customers.getCustomer.bind(customers), { id }, await as(username))).customer!;

async function listIds(username: string, nameContains: string): Promise<string[]> {
  const response = await unary(
    customers.listCustomers.bind(customers),
    customerV1.ListCustomersRequest.fromPartial({ nameContains, page: { pageSize: 200 } }),
    await as(username),
  );
  return response.customers.map((customer) => customer.id);
}

const call = {
  duplicates: async (username: string, customerId = '', page: { pageSize?: number; pageToken?: string } = {}) =>
    unary(
      maintenance.findDuplicateCustomers.bind(maintenance),
      customerMaintenanceV1.FindDuplicateCustomersRequest.fromPartial({ customerId, page }),
      await as(username),
    ),
  merge: async (username: string, request: Partial<customerMaintenanceV1.MergeCustomersRequest>) =>
    (
      await unary(
        maintenance.mergeCustomers.bind(maintenance),
        customerMaintenanceV1.MergeCustomersRequest.fromPartial(request),
        await as(username),
      )
    ).survivor!,
  delete: async (username: string, ids: string[], reason = '') =>
    unary(maintenance.deleteCustomers.bind(maintenance), { ids, reason }, await as(username)),
  restore: async (username: string, ids: string[]) => unary(maintenance.restoreCustomers.bind(maintenance), { ids }, await as(username)),
  deleted: async (username: string, nameContains: string, page: { pageSize?: number; pageToken?: string } = {}) =>
    unary(
      maintenance.listDeletedCustomers.bind(maintenance),
      customerMaintenanceV1.ListDeletedCustomersRequest.fromPartial({ nameContains, page }),
      await as(username),
    ),
  notify: async (username: string, request: Partial<customerMaintenanceV1.RequestCustomerNotificationRequest>) =>
    unary(
      maintenance.requestCustomerNotification.bind(maintenance),
      customerMaintenanceV1.RequestCustomerNotificationRequest.fromPartial(request),
      await as(username),
    ),
  share: async (username: string, customerId: string, unit: string) =>
    unary(maintenance.shareCustomer.bind(maintenance), { customerId, unit }, await as(username)),
  unshare: async (username: string, customerId: string, unit: string) =>
    unary(maintenance.unshareCustomer.bind(maintenance), { customerId, unit }, await as(username)),
  shares: async (username: string, customerId: string) =>
    (await unary(maintenance.listCustomerShares.bind(maintenance), { customerId }, await as(username))).shares,
};

function mergeOf(
  survivor: customerV1.Customer,
  merged: customerV1.Customer,
  extra: Partial<customerMaintenanceV1.MergeCustomersRequest> = {},
): Partial<customerMaintenanceV1.MergeCustomersRequest> {
  return {
    survivorId: survivor.id,
    survivorExpectedVersion: survivor.version,
    mergedId: merged.id,
    mergedExpectedVersion: merged.version,
    ...extra,
  };
}

async function eventsOf(type: string, matches: (record: CollectedRecord) => boolean, count = 1): Promise<CollectedRecord[]> {
  return waitFor(`${count} ${type}`, async () => {
    const found = events.records.filter((record) => record.headers.ce_type === `liaison.events.v1.${type}` && matches(record));
    return found.length >= count ? found : undefined;
  });
}

const rowsOf = async (sql: string, values: unknown[]) => (await pool.query(sql, values)).rows;

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_maintenance_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-maintenance-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  maintenance = createGrpcClient(customerMaintenanceV1.CustomerMaintenanceServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerMaintenanceService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
  // Before the first merge, whose catalog lookup is cached for the life of the service.
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (id uuid PRIMARY KEY, customer_id uuid NOT NULL REFERENCES customers (id), note text NOT NULL)`,
  );
});

afterAll(async () => {
  customers?.close();
  maintenance?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('duplicate candidates', () => {
  const phone = `138${randomDigits(8)}`;
  const email = `Sales.${run}@Example.cn`;
  let original: customerV1.Customer;
  let bySuffix: customerV1.Customer;
  let byFullWidth: customerV1.Customer;
  let byPhone: customerV1.Customer;
  let byEmail: customerV1.Customer;
  let elsewhere: customerV1.Customer;

  beforeAll(async () => {
    original = await create('rep.east.1', `华东精密${run}有限公司`, { phone, email: email.toLowerCase() });
    bySuffix = await create('rep.east.1', `华东精密${run}股份有限公司`);
    byFullWidth = await create('rep.east.1', `  华东精密${fullWidth(run.toUpperCase())}（有限公司） `);
    byPhone = await create('rep.east.1', `上海某某贸易${run}`, {
      phone: `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)}-${phone.slice(7)}`,
    });
    byEmail = await create('rep.east.1', `Unrelated Trading ${run} Co., Ltd.`, { email: email.toUpperCase() });
    elsewhere = await create('rep.west.1', `华东精密${run}`);
  });

  it('finds candidates for one customer by each reason, full-width and legal-form variants included', async () => {
    const { pairs } = await call.duplicates('rep.east.1', original.id);
    const found = Object.fromEntries(pairs.map((pair) => [pair.second!.id, { reasons: pair.reasons, score: pair.score }]));
    expect(pairs.every((pair) => pair.first!.id === original.id)).toBe(true);
    expect(found[bySuffix.id]).toEqual({ reasons: [Reason.DUPLICATE_REASON_NAME], score: 60 });
    expect(found[byFullWidth.id]).toEqual({ reasons: [Reason.DUPLICATE_REASON_NAME], score: 60 });
    expect(found[byPhone.id]).toEqual({ reasons: [Reason.DUPLICATE_REASON_PHONE], score: 50 });
    expect(found[byEmail.id]).toEqual({ reasons: [Reason.DUPLICATE_REASON_EMAIL], score: 50 });
    expect(found[elsewhere.id]).toBeUndefined();
    expect(pairs.map((pair) => pair.score)).toEqual([...pairs.map((pair) => pair.score)].sort((a, b) => b - a));
  });

  it("sees only the caller's scope: the west rep's look-alike is there for the admin, not for the east rep", async () => {
    const asAdmin = await call.duplicates('admin', original.id, { pageSize: 200 });
    expect(asAdmin.pairs.map((pair) => pair.second!.id)).toContain(elsewhere.id);
    await expect(call.duplicates('rep.east.2', original.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.duplicates('manager.west', original.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.duplicates('partner.acme', original.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists every pair in the scope, newest first, across pages', async () => {
    const seen: customerMaintenanceV1.DuplicatePair[] = [];
    let pageToken = '';
    do {
      const page = await call.duplicates('rep.east.1', '', { pageSize: 2, pageToken });
      expect(page.pairs.length).toBeLessThanOrEqual(2);
      seen.push(...page.pairs);
      pageToken = page.page?.nextPageToken ?? '';
    } while (pageToken && seen.length < 40);
    const mine = seen.filter((pair) => [pair.first!.id, pair.second!.id].includes(original.id));
    expect(mine.map((pair) => pair.second!.id).sort()).toEqual([bySuffix.id, byFullWidth.id, byPhone.id, byEmail.id].sort());
    const keys = seen.map((pair) => `${pair.first!.id}/${pair.second!.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const west = await call.duplicates('rep.west.1', '', { pageSize: 200 });
    expect(west.pairs.flatMap((pair) => [pair.first!.id, pair.second!.id])).not.toContain(original.id);
  });

  it('refuses bad input and callers without customer:read', async () => {
    await expect(call.duplicates('rep.east.1', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(call.duplicates('rep.east.1', UNKNOWN_ID)).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.duplicates('rep.east.1', '', { pageSize: 500 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(call.duplicates('rep.east.1', '', { pageToken: 'garbage' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('merging customers', () => {
  async function contactOf(customerId: string, name: string, extra: { primary?: boolean; login?: string } = {}): Promise<string> {
    const id = randomUUID();
    await pool.query(
      'INSERT INTO contacts (id, customer_id, name, is_primary, login_account, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6)',
      [id, customerId, name, extra.primary ?? false, extra.login ?? null, 'merge-test'],
    );
    return id;
  }

  async function followUpOf(customerId: string, content: string): Promise<string> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO follow_ups (id, customer_id, method, content, occurred_at, author_id) VALUES ($1, $2, 'visit', $3, now(), 'merge-test')`,
      [id, customerId, content],
    );
    return id;
  }

  async function pairToMerge(label: string) {
    const survivor = await create('rep.east.1', `合并保留${label}${run}有限公司`, { phone: `021-${randomDigits(8)}` });
    const merged = await create('rep.east.1', `合并保留${label}${run}`, { email: `merge.${label}.${run}@example.cn` });
    return { survivor, merged };
  }

  it('moves every referring row to the survivor in one transaction and marks the merged one', async () => {
    const { survivor, merged } = await pairToMerge('甲');
    const [survivorPrimary, mergedPrimary, mergedOther] = [
      await contactOf(survivor.id, '张经理', { primary: true }),
      await contactOf(merged.id, '李经理', { primary: true }),
      await contactOf(merged.id, '王助理'),
    ];
    await pool.query(
      `INSERT INTO contact_relations (customer_id, from_contact_id, to_contact_id, kind, created_by, updated_by) VALUES ($1, $2, $3, 'reports_to', 'merge-test', 'merge-test')`,
      [merged.id, mergedOther, mergedPrimary],
    );
    const followUp = await followUpOf(merged.id, '上门拜访，洽谈续约');
    const probe = randomUUID();
    await pool.query(`INSERT INTO ${PROBE_TABLE} (id, customer_id, note) VALUES ($1, $2, '后加的表')`, [probe, merged.id]);
    await call.share('manager.east', survivor.id, '/Partners/Acme');
    await call.share('manager.east', merged.id, '/Partners/Acme');
    await call.share('manager.east', merged.id, `/Partners/合作伙伴${run}`);

    const result = await call.merge('manager.east', mergeOf(survivor, merged, { takeFields: ['email'], reason: '重复录入' }));

    expect(result).toMatchObject({
      id: survivor.id,
      name: survivor.name,
      phone: survivor.phone,
      email: merged.email,
      version: survivor.version + 1,
    });
    const contactRows = await rowsOf('SELECT id, customer_id, is_primary FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id', [
      [survivorPrimary, mergedPrimary, mergedOther],
    ]);
    expect(contactRows.every((row) => row.customer_id === survivor.id)).toBe(true);
    expect(contactRows.filter((row) => row.is_primary).map((row) => row.id)).toEqual([survivorPrimary]);
    expect(await rowsOf('SELECT customer_id FROM contact_relations WHERE from_contact_id = $1', [mergedOther])).toEqual([
      { customer_id: survivor.id },
    ]);
    expect(await rowsOf('SELECT customer_id FROM follow_ups WHERE id = $1', [followUp])).toEqual([{ customer_id: survivor.id }]);
    expect(await rowsOf(`SELECT customer_id FROM ${PROBE_TABLE} WHERE id = $1`, [probe])).toEqual([{ customer_id: survivor.id }]);
    expect((await call.shares('admin', survivor.id)).map((share) => share.unit).sort()).toEqual(
      ['/Partners/Acme', `/Partners/合作伙伴${run}`].sort(),
    );
    expect(await rowsOf('SELECT count(*)::int AS n FROM customer_history WHERE customer_id = $1', [merged.id])).toEqual([{ n: 1 }]);
    expect(await rowsOf('SELECT merged_into, deleted_at IS NOT NULL AS deleted FROM customers WHERE id = $1', [merged.id])).toEqual([
      { merged_into: survivor.id, deleted: true },
    ]);
  });

  it('hides the merged customer: a read names the survivor (reason merged), lists leave it out', async () => {
    const { survivor, merged } = await pairToMerge('乙');
    await call.merge('admin', mergeOf(survivor, merged));
    for (const reader of ['rep.east.1', 'manager.east', 'admin']) {
      await expect(get(reader, merged.id)).rejects.toMatchObject({
        code: 'not_found',
        reason: 'merged',
        message: expect.stringContaining(survivor.id),
      });
    }
    await expect(get('rep.west.1', merged.id)).rejects.toMatchObject({ code: 'not_found', reason: undefined });
    expect(await listIds('rep.east.1', `合并保留乙${run}`)).toEqual([survivor.id]);
    await expect(call.merge('admin', mergeOf(survivor, { ...merged, version: merged.version + 1 }))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('publishes CustomersMerged with both ids, keyed by the merged customer, and CustomerUpdated for taken fields', async () => {
    const { survivor, merged } = await pairToMerge('丙');
    const result = await call.merge('manager.east', mergeOf(survivor, merged, { takeFields: ['email'], reason: '同一家公司' }));
    const [record] = await eventsOf('CustomersMerged', (r) => r.key === merged.id);
    const payload = customerMaintenanceEventsV1.CustomersMerged.decode(record.value!);
    expect(payload).toMatchObject({
      survivorId: survivor.id,
      mergedId: merged.id,
      takenFields: ['email'],
      reason: '同一家公司',
      mergedBy: await userId('manager.east'),
    });
    expect(payload.survivor?.version).toBe(result.version);
    const [updated] = await eventsOf('CustomerUpdated', (r) => r.key === survivor.id);
    expect(eventsV1.CustomerUpdated.decode(updated.value!).changedFields).toEqual(['email']);
  });

  it('follows a chain: a customer merged into one that is merged later names the last survivor', async () => {
    const first = await create('rep.east.1', `链式合并一${run}`);
    const second = await create('rep.east.1', `链式合并二${run}`);
    const third = await create('rep.east.1', `链式合并三${run}`);
    await call.merge('admin', mergeOf(second, first));
    await call.merge('admin', mergeOf(third, await get('admin', second.id)));
    await expect(get('admin', first.id)).rejects.toMatchObject({ reason: 'merged', message: expect.stringContaining(third.id) });
  });

  it('checks both versions, the scope, the approve permission and the input, changing nothing when refused', async () => {
    const { survivor, merged } = await pairToMerge('丁');
    await expect(
      call.merge('manager.east', mergeOf(survivor, merged, { mergedExpectedVersion: merged.version + 1 })),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(
      call.merge('manager.east', mergeOf(survivor, merged, { survivorExpectedVersion: survivor.version + 1 })),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(call.merge('rep.east.1', mergeOf(survivor, merged))).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'forbidden',
    });
    await expect(call.merge('manager.west', mergeOf(survivor, merged))).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.merge('director', mergeOf(survivor, merged))).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.merge('partner.acme', mergeOf(survivor, merged))).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.merge('admin', mergeOf(survivor, survivor))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(call.merge('admin', mergeOf(survivor, merged, { takeFields: ['owner_id'] }))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'take_fields[0]', message: expect.any(String) }],
    });
    await expect(call.merge('admin', mergeOf(survivor, merged, { survivorExpectedVersion: 0 }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(call.merge('admin', mergeOf(survivor, { ...merged, id: UNKNOWN_ID }))).rejects.toMatchObject({ code: 'not_found' });
    expect(await get('admin', survivor.id)).toEqual(survivor);
    expect(await get('admin', merged.id)).toEqual(merged);
  });

  it('checks taken fields against the base data as it is now, like any other write', async () => {
    const { survivor } = await pairToMerge('戊');
    const industry = `合并测试行业${run}`;
    await pool.query(`INSERT INTO base_data (kind, code, name, created_by, updated_by) VALUES ('industry', $1, $2, 'test', 'test')`, [
      `merge-${run}`,
      industry,
    ]);
    const merged = await create('rep.east.1', `合并保留戊${run}`, { industry });
    await pool.query(`UPDATE base_data SET enabled = false WHERE kind = 'industry' AND code = $1`, [`merge-${run}`]);
    await expect(call.merge('admin', mergeOf(survivor, merged, { takeFields: ['industry'] }))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'industry', message: expect.any(String) }],
    });
    expect(await get('admin', merged.id)).toEqual(merged);
  });

  it('refuses a merge whose records would collide, naming the rule, and moves nothing', async () => {
    const { survivor, merged } = await pairToMerge('戊');
    await contactOf(survivor.id, '赵工', { login: `zhao.${run}` });
    const clash = await contactOf(merged.id, '赵工', { login: `ZHAO.${run}` });
    await expect(call.merge('admin', mergeOf(survivor, merged))).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'merge_conflict',
    });
    expect(await rowsOf('SELECT customer_id FROM contacts WHERE id = $1', [clash])).toEqual([{ customer_id: merged.id }]);
    expect((await get('admin', merged.id)).version).toBe(merged.version);
  });
});

describe('bulk delete, the recycle bin and restore', () => {
  it("soft deletes customers of the manager's scope: gone from reads, lists, search and duplicates", async () => {
    const name = `批量删除${run}`;
    const [one, two] = [await create('rep.east.1', `${name}一`), await create('rep.east.2', `${name}二`)];
    const response = await call.delete('manager.east', [one.id, two.id.toUpperCase(), one.id], '客户已注销');
    expect(response.deletedIds).toEqual([one.id, two.id]);
    for (const reader of ['rep.east.1', 'manager.east', 'admin', 'director']) {
      await expect(get(reader, one.id)).rejects.toMatchObject({ code: 'not_found', reason: undefined });
    }
    expect(await listIds('admin', name)).toEqual([]);
    await expect(call.duplicates('admin', one.id)).rejects.toMatchObject({ code: 'not_found' });
    const deleted = await eventsOf('CustomerDeleted', (r) => [one.id, two.id].includes(r.key ?? ''), 2);
    const payload = customerMaintenanceEventsV1.CustomerDeleted.decode(deleted[0].value!);
    expect(payload).toMatchObject({ reason: '客户已注销', deletedBy: await userId('manager.east') });
    expect(payload.customer?.version).toBe(2);
  });

  it('answers a replayed create of a since deleted customer with not_found, not the deleted record', async () => {
    const requestId = `replay-${run}`;
    const created = await create('rep.east.1', `重放删除${run}`, { requestId });
    await call.delete('manager.east', [created.id], '重复录入');
    await expect(create('rep.east.1', `重放删除${run}`, { requestId })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses reps, outsiders and mixed lists as a whole, deleting nothing', async () => {
    const mine = await create('rep.east.1', `不可删除${run}`);
    const west = await create('rep.west.1', `不可删除西区${run}`);
    await expect(call.delete('rep.east.1', [mine.id])).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.delete('director', [mine.id])).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.delete('manager.west', [mine.id])).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.delete('manager.east', [mine.id, west.id, UNKNOWN_ID])).rejects.toMatchObject({
      code: 'not_found',
      violations: [
        { field: 'ids', message: expect.stringContaining(west.id) },
        { field: 'ids', message: expect.stringContaining(UNKNOWN_ID) },
      ],
    });
    await expect(call.delete('manager.east', [])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(call.delete('manager.east', ['x'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(call.delete('manager.east', [mine.id], '因'.repeat(501))).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await get('rep.east.1', mine.id)).version).toBe(1);
  });

  it('lists deleted customers for administrators only, newest first across pages, and restores them', async () => {
    const name = `回收站${run}`;
    const [one, two, three] = [
      await create('rep.west.1', `${name}一`),
      await create('rep.west.1', `${name}二`),
      await create('rep.west.1', `${name}三`),
    ];
    await call.delete('manager.west', [one.id], '第一批');
    await call.delete('admin', [two.id, three.id], '第二批');
    const seen: customerMaintenanceV1.DeletedCustomer[] = [];
    let pageToken = '';
    do {
      const page = await call.deleted('admin', name, { pageSize: 2, pageToken });
      seen.push(...page.customers);
      pageToken = page.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen.map((item) => item.customer!.id).slice(2)).toEqual([one.id]);
    expect(seen[2]).toMatchObject({ reason: '第一批', deletedBy: await userId('manager.west') });
    expect((await call.deleted('director', name)).customers).toHaveLength(3);
    for (const outsider of ['manager.west', 'rep.west.1', 'analyst', 'partner.acme']) {
      await expect(call.deleted(outsider, name)).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(call.restore(outsider, [one.id])).rejects.toMatchObject({ code: 'permission_denied' });
    }
    await expect(call.restore('director', [one.id])).rejects.toMatchObject({ code: 'permission_denied' });

    const restored = await call.restore('admin', [one.id]);
    expect(restored.customers.map((customer) => [customer.id, customer.version])).toEqual([[one.id, 3]]);
    expect((await get('rep.west.1', one.id)).name).toBe(`${name}一`);
    expect((await call.deleted('admin', name)).customers.map((item) => item.customer!.id).sort()).toEqual([two.id, three.id].sort());
    const [event] = await eventsOf('CustomerRestored', (r) => r.key === one.id);
    expect(customerMaintenanceEventsV1.CustomerRestored.decode(event.value!).restoredBy).toBe(await userId('admin'));
    await expect(call.restore('admin', [one.id])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never restores a merged customer', async () => {
    const survivor = await create('rep.east.1', `不可恢复保留${run}`);
    const merged = await create('rep.east.1', `不可恢复合并${run}`);
    await call.merge('admin', mergeOf(survivor, merged));
    await expect(call.restore('admin', [merged.id])).rejects.toMatchObject({ code: 'not_found' });
    expect((await call.deleted('admin', `不可恢复合并${run}`)).customers).toEqual([]);
  });
});

describe('bulk notification requests', () => {
  it("emits one event naming exactly the customers in the caller's scope and reports the others", async () => {
    const [a, b] = [await create('rep.east.1', `群发甲${run}`), await create('rep.east.1', `群发乙${run}`)];
    const foreign = await create('rep.west.1', `群发外区${run}`);
    const gone = await create('rep.east.1', `群发已删${run}`);
    await call.delete('manager.east', [gone.id]);
    const receipt = await call.notify('rep.east.1', {
      customerIds: [b.id, a.id, foreign.id, UNKNOWN_ID, gone.id, a.id],
      channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SMS,
      text: '【理念】新春快乐，万事如意！',
    });
    expect(receipt.acceptedCustomerIds).toEqual([b.id, a.id]);
    expect(receipt.notFoundCustomerIds).toEqual([foreign.id, UNKNOWN_ID, gone.id]);
    const [record] = await eventsOf('CustomerNotificationRequested', (r) => r.key === receipt.notificationId);
    expect(customerMaintenanceEventsV1.CustomerNotificationRequested.decode(record.value!)).toEqual({
      notificationId: receipt.notificationId,
      customerIds: [b.id, a.id],
      channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SMS,
      templateId: '',
      text: '【理念】新春快乐，万事如意！',
      subject: '',
      requestedBy: await userId('rep.east.1'),
    });
  });

  it('refuses when none is in scope, without an event, and refuses roles without messaging:create', async () => {
    const foreign = await create('rep.west.1', `群发无权${run}`);
    const before = Number((await pool.query('SELECT count(*) FROM outbox')).rows[0].count);
    await expect(
      call.notify('rep.east.1', { customerIds: [foreign.id], channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_EMAIL, templateId: 'welcome' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    for (const user of ['analyst', 'director', 'partner.acme']) {
      await expect(
        call.notify(user, { customerIds: [foreign.id], channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SYSTEM, text: '你好' }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(Number((await pool.query('SELECT count(*) FROM outbox')).rows[0].count)).toBe(before);
    const receipt = await call.notify('service.agent', {
      customerIds: [foreign.id],
      channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SYSTEM,
      text: '服务回访',
    });
    expect(receipt.acceptedCustomerIds).toEqual([foreign.id]);
  });

  it('refuses invalid requests with field violations', async () => {
    const mine = await create('rep.east.1', `群发校验${run}`);
    await expect(call.notify('rep.east.1', { customerIds: [mine.id], text: '你好' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'channel', message: expect.any(String) }],
    });
    await expect(
      call.notify('rep.east.1', {
        customerIds: [mine.id],
        channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SMS,
        text: '你好',
        templateId: 't1',
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      call.notify('rep.east.1', { customerIds: [], channel: Channel.CUSTOMER_NOTIFICATION_CHANNEL_SMS, text: '你好' }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('sharing with partner organisations', () => {
  it('lets partner members read a shared customer, never change it, until it is unshared', async () => {
    const customer = await create('rep.east.1', `共享客户${run}`);
    await expect(get('partner.acme', customer.id)).rejects.toMatchObject({ code: 'not_found' });

    const first = await call.share('manager.east', customer.id, '/Partners/Acme');
    expect(first).toMatchObject({
      created: true,
      share: { customerId: customer.id, unit: '/Partners/Acme', sharedBy: await userId('manager.east') },
    });
    expect((await call.share('admin', customer.id, '/Partners/Acme')).created).toBe(false);
    await call.share('admin', customer.id, `/Partners/别家${run}`);

    expect((await get('partner.acme', customer.id)).name).toBe(customer.name);
    expect(await listIds('partner.acme', `共享客户${run}`)).toEqual([customer.id]);
    const update = customerV1.UpdateCustomerRequest.fromPartial({
      id: customer.id,
      expectedVersion: customer.version,
      customer: { starRating: 5 },
      updateMask: ['star_rating'],
    });
    await expect(unary(customers.updateCustomer.bind(customers), update, await as('partner.acme'))).rejects.toMatchObject({
      code: 'permission_denied',
    });
    expect((await call.shares('partner.acme', customer.id)).map((share) => share.unit)).toEqual(['/Partners/Acme']);
    expect((await call.shares('rep.east.1', customer.id)).map((share) => share.unit).sort()).toEqual(
      ['/Partners/Acme', `/Partners/别家${run}`].sort(),
    );

    await call.unshare('manager.east', customer.id, '/Partners/Acme');
    await expect(get('partner.acme', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await listIds('partner.acme', `共享客户${run}`)).toEqual([]);
    await expect(call.unshare('manager.east', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'not_found' });

    const shared = await eventsOf('CustomerShared', (r) => r.key === customer.id, 2);
    expect(shared.map((record) => customerMaintenanceEventsV1.CustomerShared.decode(record.value!).unit)).toEqual([
      '/Partners/Acme',
      `/Partners/别家${run}`,
    ]);
    const [unshared] = await eventsOf('CustomerUnshared', (r) => r.key === customer.id);
    expect(customerMaintenanceEventsV1.CustomerUnshared.decode(unshared.value!)).toMatchObject({
      unit: '/Partners/Acme',
      unsharedBy: await userId('manager.east'),
    });
  });

  it("leaves sharing to the owner's manager and administrators, and refuses units outside /Partners", async () => {
    const customer = await create('rep.east.1', `共享权限${run}`);
    await expect(call.share('rep.east.1', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.share('director', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.share('partner.acme', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(call.share('manager.west', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.share('manager.east', customer.id, '/Sales/West')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'unit', message: expect.any(String) }],
    });
    await expect(call.shares('rep.east.2', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(call.unshare('manager.west', customer.id, '/Partners/Acme')).rejects.toMatchObject({ code: 'not_found' });
    expect(await call.shares('rep.east.1', customer.id)).toEqual([]);
  });
});
