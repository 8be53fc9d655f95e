import { approvalV1, assignmentV1, customerV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { ensureDatabase, subjectOf, userToken } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata as as, startServiceUnderTest } from './support';

// CUS-07 transfer approval against the real stack: the admin's setting, direct transfers while
// it is off, approval requests while it is on (one or two steps), decisions by the right and
// the wrong managers, rejection, and one pending transfer per customer. A database of its own,
// since the setting is global to a database.

const { CustomerKind } = customerV1;
const { OwnershipChangeKind: Kind } = assignmentV1;
const { ApprovalStatus } = approvalV1;
const DATABASE = 'customer_transfer_approval_it';
const RUN = Date.now().toString(36);

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let assignments: assignmentV1.CustomerAssignmentServiceClient;
let approvals: approvalV1.ApprovalServiceClient;
let pool: Pool;
const subs: Record<string, string> = {};

const create = async (username: string, name: string) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `${name} ${RUN}`, kind: CustomerKind.CUSTOMER_KIND_COMPANY }),
      await as(username),
    )
  ).customer!;
const transfer = async (username: string, customerIds: string[], to: string, toOwnerUnit: string, reason = '业务调整') =>
  unary(
    assignments.transferCustomers.bind(assignments),
    { customerIds, toOwnerId: subs[to], toOwnerUnit, reason, keepPreviousOwnerAsFollower: false },
    await as(username),
  );
const settings = async (username = 'admin') =>
  (await unary(assignments.getTransferSettings.bind(assignments), {}, await as(username))).settings!;
const setApproval = async (approvalRequired: boolean, username = 'admin') =>
  (
    await unary(
      assignments.updateTransferSettings.bind(assignments),
      { approvalRequired, expectedVersion: (await settings()).version },
      await as(username),
    )
  ).settings!;
const approve = async (username: string, id: string, step: number) =>
  (await unary(approvals.approve.bind(approvals), { id, step, comment: '同意' }, await as(username))).approval!;
const reject = async (username: string, id: string, step: number) =>
  (await unary(approvals.reject.bind(approvals), { id, step, comment: '不同意转移' }, await as(username))).approval!;
const getApproval = async (username: string, id: string) =>
  (await unary(approvals.getApproval.bind(approvals), { id }, await as(username))).approval!;
const ownerOf = async (id: string) =>
  (await pool.query<{ owner_id: string; owner_unit: string }>('SELECT owner_id, owner_unit FROM customers WHERE id = $1', [id])).rows[0];
const history = async (id: string) =>
  (await unary(assignments.getOwnershipHistory.bind(assignments), { customerId: id }, await as('admin'))).changes;
const outboxCount = async (type: string, key: string) =>
  Number((await pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE type = $1 AND key = $2', [type, key])).rows[0].count);

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(DATABASE);
  service = await startServiceUnderTest('customer-transfer-approval-it', databaseUrl, { POOL_RULE_INTERVAL_MS: '0' });
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = { idempotentMethods: [], deadlineMs: 20_000 };
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    ...options,
  });
  assignments = createGrpcClient(assignmentV1.CustomerAssignmentServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerAssignmentService',
    ...options,
  });
  approvals = createGrpcClient(approvalV1.ApprovalServiceClient, address, {
    serviceName: 'liaison.approval.v1.ApprovalService',
    ...options,
  });
  pool = createPool(databaseUrl);
  for (const user of ['admin', 'manager.east', 'manager.west', 'rep.east.1', 'rep.east.2', 'rep.west.1'])
    subs[user] = subjectOf(await userToken(user));
  if ((await settings()).approvalRequired) await setApproval(false);
});

afterAll(async () => {
  if (assignments) await setApproval(false).catch(() => undefined);
  customers?.close();
  assignments?.close();
  approvals?.close();
  await pool?.end();
  await service?.host.stop();
});

describe('the transfer settings', () => {
  it('are read and changed by admins only, with the version, and the change is an event', async () => {
    const before = await settings();
    expect(before.approvalRequired).toBe(false);
    for (const user of ['manager.east', 'rep.east.1']) {
      await expect(settings(user)).rejects.toMatchObject({ code: 'permission_denied' });
      await expect(setApproval(true, user)).rejects.toMatchObject({ code: 'permission_denied' });
    }
    await expect(
      unary(
        assignments.updateTransferSettings.bind(assignments),
        { approvalRequired: true, expectedVersion: before.version + 5 },
        await as('admin'),
      ),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(
      unary(assignments.updateTransferSettings.bind(assignments), { approvalRequired: true, expectedVersion: 0 }, await as('admin')),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    const events = await outboxCount('liaison.events.v1.TransferSettingsChanged', 'transfer-settings');
    const on = await setApproval(true);
    expect(on).toMatchObject({ approvalRequired: true, version: before.version + 1, updatedBy: subs.admin });
    expect(await outboxCount('liaison.events.v1.TransferSettingsChanged', 'transfer-settings')).toBe(events + 1);
    await setApproval(false);
  });
});

describe('transfers with approval off', () => {
  it('move directly, and a rep may not transfer at all', async () => {
    const customer = await create('rep.east.1', '直接转移');
    const response = await transfer('manager.east', [customer.id], 'rep.east.2', '/Sales/East');
    expect(response.pending).toBe(false);
    expect(response.customers[0].ownerId).toBe(subs['rep.east.2']);
    await expect(transfer('rep.east.2', [customer.id], 'rep.east.1', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
  });
});

describe('transfers with approval on', () => {
  beforeAll(async () => {
    await setApproval(true);
  });
  afterAll(async () => {
    await setApproval(false);
  });

  it("a rep opens an approval and nothing moves; the manager of the owner's unit approves and it moves", async () => {
    const customer = await create('rep.east.1', '审批转移');
    const response = await transfer('rep.east.1', [customer.id], 'rep.east.2', '/Sales/East', '客户搬迁到浦东');
    expect(response.pending).toBe(true);
    expect(response.customers).toHaveLength(0);
    const approval = response.approval!;
    expect(approval).toMatchObject({
      kind: 'customer.transfer',
      status: ApprovalStatus.APPROVAL_STATUS_PENDING,
      unit: '/Sales/East',
      subject: { type: 'customer', id: customer.id },
    });
    expect(approval.steps.map((step) => [step.name, step.unit])).toEqual([['转出部门经理审批', '/Sales/East']]);
    expect((await ownerOf(customer.id)).owner_id).toBe(subs['rep.east.1']);

    // The wrong manager and the requester cannot decide; the log is readable by the requester.
    await expect(approve('manager.west', approval.id, 1)).rejects.toMatchObject({ code: 'not_found' });
    await expect(approve('rep.east.1', approval.id, 1)).rejects.toMatchObject({ code: 'permission_denied' });
    const transferred = await outboxCount('liaison.events.v1.CustomerTransferred', customer.id);
    const decided = await approve('manager.east', approval.id, 1);
    expect(decided.status).toBe(ApprovalStatus.APPROVAL_STATUS_APPROVED);
    expect(await ownerOf(customer.id)).toEqual({ owner_id: subs['rep.east.2'], owner_unit: '/Sales/East' });
    const last = (await history(customer.id)).at(-1)!;
    expect(last).toMatchObject({
      kind: Kind.OWNERSHIP_CHANGE_KIND_TRANSFER,
      fromOwnerId: subs['rep.east.1'],
      toOwnerId: subs['rep.east.2'],
      actorId: subs['manager.east'],
    });
    expect(last.reason).toContain('客户搬迁到浦东');
    expect(await outboxCount('liaison.events.v1.CustomerTransferred', customer.id)).toBe(transferred + 1);
    const log = (await getApproval('rep.east.1', approval.id)).log.map((entry) => entry.action);
    expect(log).toEqual([approvalV1.ApprovalAction.APPROVAL_ACTION_SUBMIT, approvalV1.ApprovalAction.APPROVAL_ACTION_APPROVE]);
  });

  it("a transfer into another unit needs that unit's manager as a second step", async () => {
    const customer = await create('rep.east.1', '跨部门转移');
    const { approval } = await transfer('rep.east.1', [customer.id], 'rep.west.1', '/Sales/West');
    expect(approval!.steps.map((step) => [step.position, step.unit])).toEqual([
      [1, '/Sales/East'],
      [2, '/Sales/West'],
    ]);
    await expect(approve('manager.west', approval!.id, 1)).rejects.toMatchObject({ code: 'permission_denied' });
    expect((await approve('manager.east', approval!.id, 1)).status).toBe(ApprovalStatus.APPROVAL_STATUS_PENDING);
    expect((await ownerOf(customer.id)).owner_id).toBe(subs['rep.east.1']);
    expect((await getApproval('manager.west', approval!.id)).currentStep).toBe(2);
    expect((await approve('manager.west', approval!.id, 2)).status).toBe(ApprovalStatus.APPROVAL_STATUS_APPROVED);
    expect(await ownerOf(customer.id)).toEqual({ owner_id: subs['rep.west.1'], owner_unit: '/Sales/West' });
  });

  it('a rejection leaves the owner, and frees the customer for another request', async () => {
    const customer = await create('rep.east.1', '驳回转移');
    const { approval } = await transfer('rep.east.1', [customer.id], 'rep.east.2', '/Sales/East');
    expect((await reject('manager.east', approval!.id, 1)).status).toBe(ApprovalStatus.APPROVAL_STATUS_REJECTED);
    expect((await ownerOf(customer.id)).owner_id).toBe(subs['rep.east.1']);
    const again = await transfer('rep.east.1', [customer.id], 'rep.east.2', '/Sales/East');
    expect(again.pending).toBe(true);
    await unary(approvals.withdraw.bind(approvals), { id: again.approval!.id, comment: '' }, await as('rep.east.1'));
    expect((await ownerOf(customer.id)).owner_id).toBe(subs['rep.east.1']);
  });

  it('refuses a second pending transfer of a customer, also inside a bulk request', async () => {
    const first = await create('rep.east.1', '重复转移一');
    const second = await create('rep.east.1', '重复转移二');
    const { approval } = await transfer('rep.east.1', [first.id], 'rep.east.2', '/Sales/East');
    await expect(transfer('rep.east.1', [first.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'transfer_pending',
    });
    await expect(transfer('rep.east.1', [second.id, first.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({
      code: 'failed_precondition',
      violations: [{ field: 'customer_ids[1]', message: expect.stringContaining('transfer_pending') }],
    });
    await unary(approvals.withdraw.bind(approvals), { id: approval!.id, comment: '' }, await as('rep.east.1'));
  });

  it('an approval of customers that changed hands meanwhile fails and asks for a rejection', async () => {
    const customer = await create('rep.east.1', '过期转移');
    const { approval } = await transfer('rep.east.1', [customer.id], 'rep.east.2', '/Sales/East');
    // An admin's transfer is direct even while approval is on.
    const direct = await transfer('admin', [customer.id], 'rep.west.1', '/Sales/West');
    expect(direct.pending).toBe(false);
    await expect(approve('admin', approval!.id, 1)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'transfer_outdated' });
    expect((await getApproval('admin', approval!.id)).status).toBe(ApprovalStatus.APPROVAL_STATUS_PENDING);
    expect((await reject('admin', approval!.id, 1)).status).toBe(ApprovalStatus.APPROVAL_STATUS_REJECTED);
    expect((await ownerOf(customer.id)).owner_id).toBe(subs['rep.west.1']);
  });

  it("refuses customers outside the requester's scope and callers without the permissions", async () => {
    const customer = await create('rep.east.1', '越权转移');
    await expect(transfer('rep.east.2', [customer.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({ code: 'not_found' });
    await expect(transfer('director', [customer.id], 'rep.east.2', '/Sales/East')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(transfer('rep.east.1', [customer.id], 'rep.east.2', 'East')).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
