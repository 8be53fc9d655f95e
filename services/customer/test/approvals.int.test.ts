import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { ApprovalKinds, Approvals, type ApprovalEvents, type ApprovalRequest } from '@liaison/approvals';
import { principalFromClaims, type Principal } from '@liaison/auth';
import { approvalEventsV1, approvalV1, customerApprovalV1, customerV1, eventsV1, invalidApplicationV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, inTransaction, unary, type Pool, type PoolClient } from '@liaison/runtime';
import { collectRecords, ensureDatabase, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// PLT-01 approvals and CUS-08 invalid-customer applications against the real stack: who applies,
// who decides, who reads the operation log, what the decision does to the customer, and races.

const { CustomerKind, CustomerCategory: C } = customerV1;
const { ApprovalStatus: S, ApprovalAction: A, ApprovalRole } = approvalV1;
const run = Date.now().toString(36);
let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let approvals: approvalV1.ApprovalServiceClient;
let applications: invalidApplicationV1.InvalidApplicationServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

const idOf = async (username: string) => subjectOf(await userToken(username));

async function createCustomer(username: string, name: string, category = C.CUSTOMER_CATEGORY_POTENTIAL): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({
    name: `${name} ${run}`,
    kind: CustomerKind.CUSTOMER_KIND_COMPANY,
    category,
  });
  return (await unary(customers.createCustomer.bind(customers), request, await as(username))).customer!;
}

const readCustomer = async (id: string) => (await unary(customers.getCustomer.bind(customers), { id }, await as('admin'))).customer!;

async function moveCustomer(username: string, customer: customerV1.Customer, category: customerV1.CustomerCategory) {
  const request = customerV1.ChangeCustomerCategoryRequest.fromPartial({ id: customer.id, expectedVersion: customer.version, category });
  return (await unary(customers.changeCustomerCategory.bind(customers), request, await as(username))).customer!;
}

const apply = async (username: string, customerId: string, reason = '电话是空号，多次联系不上') =>
  (await unary(applications.createInvalidApplication.bind(applications), { customerId, reason }, await as(username))).approval!;

const getApproval = async (username: string, id: string) =>
  (await unary(approvals.getApproval.bind(approvals), { id }, await as(username))).approval!;

const approve = async (username: string, id: string, step = 1, comment = '') =>
  (await unary(approvals.approve.bind(approvals), { id, step, comment }, await as(username))).approval!;

const reject = async (username: string, id: string, comment: string, step = 1) =>
  (await unary(approvals.reject.bind(approvals), { id, step, comment }, await as(username))).approval!;

const withdraw = async (username: string, id: string, comment = '') =>
  (await unary(approvals.withdraw.bind(approvals), { id, comment }, await as(username))).approval!;

async function listApprovals(username: string, filter: Partial<approvalV1.ListApprovalsRequest>): Promise<approvalV1.Approval[]> {
  const request = approvalV1.ListApprovalsRequest.fromPartial(filter);
  return (await unary(approvals.listApprovals.bind(approvals), request, await as(username))).approvals;
}

const listedIds = async (username: string, filter: Partial<approvalV1.ListApprovalsRequest>) =>
  (await listApprovals(username, filter)).map((approval) => approval.id);

async function historyOf(customerId: string) {
  const { rows } = await pool.query(
    'SELECT field, old_value, new_value, reason, changed_by FROM customer_history WHERE customer_id = $1 ORDER BY id',
    [customerId],
  );
  return rows;
}

const eventTypesOf = (key: string) =>
  events.records.filter((record) => record.key === key).map((record) => record.headers.ce_type.replace('liaison.events.v1.', ''));

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_approvals_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-approvals-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: ['GetCustomer'],
    deadlineMs: 10_000,
  });
  approvals = createGrpcClient(approvalV1.ApprovalServiceClient, address, {
    serviceName: 'liaison.approval.v1.ApprovalService',
    idempotentMethods: ['GetApproval', 'ListApprovals'],
    deadlineMs: 10_000,
  });
  applications = createGrpcClient(invalidApplicationV1.InvalidApplicationServiceClient, address, {
    serviceName: 'liaison.customer.v1.InvalidApplicationService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  customers?.close();
  approvals?.close();
  applications?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('invalid-customer applications (CUS-08)', () => {
  it("goes from the rep to the manager of the owner's unit, who approves it: the customer becomes invalid with history and events", async () => {
    const customer = await createCustomer('rep.east.1', '无效申请 杭州空号贸易');
    const applied = await apply('rep.east.1', customer.id);
    expect(applied).toMatchObject({
      kind: 'customer.invalid',
      status: S.APPROVAL_STATUS_PENDING,
      currentStep: 1,
      reason: '电话是空号，多次联系不上',
      subject: { type: 'customer', id: customer.id, title: customer.name },
      requesterName: 'rep.east.1',
      requesterUnit: '/Sales/East',
      unit: '/Sales/East',
      payload: { fromCategory: 'potential' },
    });
    expect(applied.steps).toEqual([
      expect.objectContaining({
        position: 1,
        name: '部门经理审批',
        roles: ['sales-manager'],
        unit: '/Sales/East',
        decision: A.APPROVAL_ACTION_UNSPECIFIED,
      }),
    ]);
    expect(applied.log).toEqual([
      expect.objectContaining({ step: 0, action: A.APPROVAL_ACTION_SUBMIT, actorName: 'rep.east.1', actorRole: 'requester' }),
    ]);

    await expect(approve('manager.west', applied.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getApproval('manager.west', applied.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(approve('rep.east.1', applied.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(approve('director', applied.id)).rejects.toMatchObject({ code: 'permission_denied', reason: 'not_a_decider' });
    expect((await readCustomer(customer.id)).category).toBe(C.CUSTOMER_CATEGORY_POTENTIAL);

    const approved = await approve('manager.east', applied.id, 1, '核实无误，同意');
    expect(approved).toMatchObject({ status: S.APPROVAL_STATUS_APPROVED, currentStep: 1, version: 2 });
    expect(approved.completeTime).toBeInstanceOf(Date);
    expect(approved.steps[0]).toMatchObject({
      decision: A.APPROVAL_ACTION_APPROVE,
      decidedBy: await idOf('manager.east'),
      decidedByName: 'manager.east',
      comment: '核实无误，同意',
    });
    expect(approved.log.map((entry) => [entry.action, entry.actorName, entry.actorRole, entry.step, entry.comment])).toEqual([
      [A.APPROVAL_ACTION_SUBMIT, 'rep.east.1', 'requester', 0, '电话是空号，多次联系不上'],
      [A.APPROVAL_ACTION_APPROVE, 'manager.east', 'sales-manager', 1, '核实无误，同意'],
    ]);

    expect(await readCustomer(customer.id)).toMatchObject({ category: C.CUSTOMER_CATEGORY_INVALID, version: 2 });
    expect(await historyOf(customer.id)).toEqual([
      {
        field: 'category',
        old_value: 'potential',
        new_value: 'invalid',
        reason: `电话是空号，多次联系不上 (approval ${applied.id})`,
        changed_by: await idOf('manager.east'),
      },
    ]);
    await expect(approve('manager.east', applied.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'not_pending' });

    const types = await waitFor('approval events', async () =>
      eventTypesOf(customer.id).length >= 5 ? eventTypesOf(customer.id) : undefined,
    );
    expect(types).toEqual(['CustomerCreated', 'ApprovalRequested', 'CustomerCategoryChanged', 'ApprovalDecided', 'ApprovalCompleted']);
    const mine = events.records.filter((record) => record.key === customer.id);
    expect(mine.every((record) => record.headers.ce_subject === customer.id && record.headers.ce_source === 'liaison.customer')).toBe(true);
    expect(approvalEventsV1.ApprovalRequested.decode(mine[1].value!).approval?.reason).toBe('电话是空号，多次联系不上');
    expect(eventsV1.CustomerCategoryChanged.decode(mine[2].value!)).toMatchObject({
      from: C.CUSTOMER_CATEGORY_POTENTIAL,
      to: C.CUSTOMER_CATEGORY_INVALID,
    });
    expect(approvalEventsV1.ApprovalDecided.decode(mine[3].value!)).toMatchObject({
      step: 1,
      decision: A.APPROVAL_ACTION_APPROVE,
      comment: '核实无误，同意',
      decidedBy: await idOf('manager.east'),
    });
    expect(approvalEventsV1.ApprovalCompleted.decode(mine[4].value!)).toMatchObject({
      status: S.APPROVAL_STATUS_APPROVED,
      approval: { id: applied.id },
    });
  });

  it('needs a comment to reject, and a rejection leaves the customer as it was', async () => {
    const customer = await createCustomer('rep.east.1', '驳回申请 宁波仍在联系', C.CUSTOMER_CATEGORY_KEY);
    const applied = await apply('rep.east.1', customer.id, '客户说不再需要');
    await expect(reject('manager.east', applied.id, '   ')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field: 'comment' })],
    });
    const rejected = await reject('manager.east', applied.id, '客户上周还在询价，继续跟进');
    expect(rejected).toMatchObject({ status: S.APPROVAL_STATUS_REJECTED, currentStep: 1 });
    expect(rejected.steps[0]).toMatchObject({ decision: A.APPROVAL_ACTION_REJECT, comment: '客户上周还在询价，继续跟进' });
    expect(await readCustomer(customer.id)).toMatchObject({ category: C.CUSTOMER_CATEGORY_KEY, version: 1 });
    expect(await historyOf(customer.id)).toEqual([]);
    const completed = await waitFor('completion', async () =>
      events.records.find((record) => record.key === customer.id && record.headers.ce_type === 'liaison.events.v1.ApprovalCompleted'),
    );
    expect(approvalEventsV1.ApprovalCompleted.decode(completed.value!).status).toBe(S.APPROVAL_STATUS_REJECTED);
    expect(eventTypesOf(customer.id)).not.toContain('CustomerCategoryChanged');
    // Rejected is final, so the rep may apply again with a better reason.
    expect((await apply('rep.east.1', customer.id, '确认公司已注销')).status).toBe(S.APPROVAL_STATUS_PENDING);
  });

  it('lets the requester, and only the requester, withdraw a pending application', async () => {
    const customer = await createCustomer('rep.east.1', '撤回申请 苏州');
    const applied = await apply('rep.east.1', customer.id);
    await expect(withdraw('manager.east', applied.id)).rejects.toMatchObject({ code: 'permission_denied', reason: 'not_requester' });
    await expect(withdraw('admin', applied.id)).rejects.toMatchObject({ code: 'permission_denied', reason: 'not_requester' });
    await expect(withdraw('rep.east.2', applied.id)).rejects.toMatchObject({ code: 'not_found' });
    const withdrawn = await withdraw('rep.east.1', applied.id, '客户回电了');
    expect(withdrawn).toMatchObject({ status: S.APPROVAL_STATUS_WITHDRAWN });
    expect(withdrawn.log.at(-1)).toMatchObject({
      action: A.APPROVAL_ACTION_WITHDRAW,
      actorRole: 'requester',
      comment: '客户回电了',
      step: 1,
    });
    await expect(withdraw('rep.east.1', applied.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'not_pending' });
    await expect(approve('manager.east', applied.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'not_pending' });
    expect((await readCustomer(customer.id)).category).toBe(C.CUSTOMER_CATEGORY_POTENTIAL);
  });

  it('refuses a second pending application, also when two race', async () => {
    const customer = await createCustomer('rep.east.1', '重复申请');
    await apply('rep.east.1', customer.id);
    await expect(apply('rep.east.1', customer.id)).rejects.toMatchObject({ code: 'already_exists', reason: 'approval_pending' });
    await expect(apply('manager.east', customer.id)).rejects.toMatchObject({ code: 'already_exists', reason: 'approval_pending' });

    const raced = await createCustomer('rep.east.1', '并发申请');
    const results = await Promise.allSettled([
      apply('rep.east.1', raced.id, '一'),
      apply('rep.east.1', raced.id, '二'),
      apply('manager.east', raced.id, '三'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.reason),
    ).toEqual(['approval_pending', 'approval_pending']);
    expect(await listApprovals('admin', { subjectType: 'customer', subjectId: raced.id })).toHaveLength(1);
  });

  it('is only for customers the caller may change and that could still become invalid', async () => {
    const customer = await createCustomer('rep.east.1', '申请权限');
    await expect(apply('rep.east.2', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(apply('manager.west', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(apply('service.agent', customer.id)).rejects.toMatchObject({ code: 'permission_denied', reason: 'read_only' });
    await expect(apply('analyst', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(apply('director', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(apply('rep.east.1', customer.id, ' ')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field: 'reason' })],
    });
    await expect(apply('rep.east.1', customer.id, '长'.repeat(501))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(apply('rep.east.1', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(apply('rep.east.1', randomUUID())).rejects.toMatchObject({ code: 'not_found' });

    const deal = await moveCustomer('rep.east.1', await createCustomer('rep.east.1', '已成交'), C.CUSTOMER_CATEGORY_DEAL);
    await expect(apply('rep.east.1', deal.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'illegal_category_move' });
    const invalid = await moveCustomer('manager.east', await createCustomer('rep.east.1', '已无效'), C.CUSTOMER_CATEGORY_INVALID);
    await expect(apply('rep.east.1', invalid.id)).rejects.toMatchObject({ code: 'failed_precondition', reason: 'already_invalid' });
    expect(await listApprovals('admin', { subjectType: 'customer', subjectId: customer.id })).toEqual([]);
  });

  it.each([1, 2, 3])(
    'settles concurrent decisions on one step: exactly one wins, the others are failed_precondition (round %i)',
    async (round) => {
      const customer = await createCustomer('rep.east.1', `并发审批 ${round}`);
      const applied = await apply('rep.east.1', customer.id);
      const results = await Promise.allSettled([
        approve('manager.east', applied.id, 1, '同意'),
        reject('admin', applied.id, '不同意'),
        approve('manager.east', applied.id, 1, '再次同意'),
      ]);
      const won = results.filter((result): result is PromiseFulfilledResult<approvalV1.Approval> => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason)).toEqual([
        expect.objectContaining({ code: 'failed_precondition' }),
        expect.objectContaining({ code: 'failed_precondition' }),
      ]);
      const final = await getApproval('admin', applied.id);
      expect(final.log.filter((entry) => entry.action !== A.APPROVAL_ACTION_SUBMIT)).toHaveLength(1);
      const expectedCategory = final.status === S.APPROVAL_STATUS_APPROVED ? C.CUSTOMER_CATEGORY_INVALID : C.CUSTOMER_CATEGORY_POTENTIAL;
      expect((await readCustomer(customer.id)).category).toBe(expectedCategory);
    },
  );

  it("copes with a customer that moved on meanwhile: already invalid is approved as is, one out of the decider's scope is not", async () => {
    const customer = await createCustomer('rep.east.1', '申请期间已无效');
    const applied = await apply('rep.east.1', customer.id);
    await moveCustomer('manager.east', customer, C.CUSTOMER_CATEGORY_INVALID);
    expect((await approve('manager.east', applied.id, 1, '已处理')).status).toBe(S.APPROVAL_STATUS_APPROVED);
    expect(await readCustomer(customer.id)).toMatchObject({ category: C.CUSTOMER_CATEGORY_INVALID, version: 2 });

    const moved = await createCustomer('rep.east.1', '申请期间转给西区');
    const pending = await apply('rep.east.1', moved.id);
    await pool.query(`UPDATE customers SET owner_unit = '/Sales/West' WHERE id = $1`, [moved.id]);
    await expect(approve('manager.east', pending.id, 1)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'customer_out_of_scope',
    });
    expect(await getApproval('manager.east', pending.id)).toMatchObject({
      status: S.APPROVAL_STATUS_PENDING,
      log: [expect.objectContaining({ action: A.APPROVAL_ACTION_SUBMIT })],
    });
    expect((await reject('manager.east', pending.id, '客户已转给西区')).status).toBe(S.APPROVAL_STATUS_REJECTED);
  });

  it('refuses decisions on a step other than the current one, and decisions without a step', async () => {
    const customer = await createCustomer('rep.east.1', '步骤校验');
    const applied = await apply('rep.east.1', customer.id);
    await expect(approve('manager.east', applied.id, 2)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'step_already_decided',
    });
    await expect(approve('manager.east', applied.id, 0)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field: 'step' })],
    });
    await expect(approve('manager.east', 'nope')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(approve('manager.east', randomUUID())).rejects.toMatchObject({ code: 'not_found' });
    expect((await getApproval('manager.east', applied.id)).status).toBe(S.APPROVAL_STATUS_PENDING);
  });
});

describe('who reads approvals and their operation log', () => {
  it('shows an application to the requester, the deciders and the levels above, and to nobody else', async () => {
    const customer = await createCustomer('rep.east.1', '可见性 上海');
    const applied = await apply('rep.east.1', customer.id);
    for (const reader of ['rep.east.1', 'manager.east', 'director', 'admin']) {
      expect((await getApproval(reader, applied.id)).log).toHaveLength(1);
    }
    for (const outsider of ['rep.east.2', 'manager.west', 'rep.west.1', 'service.agent']) {
      await expect(getApproval(outsider, applied.id)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const unpermitted of ['analyst', 'partner.acme']) {
      await expect(getApproval(unpermitted, applied.id)).rejects.toMatchObject({ code: 'permission_denied' });
    }

    const bySubject = { subjectType: 'customer', subjectId: customer.id };
    expect(await listedIds('rep.east.1', { ...bySubject, role: ApprovalRole.APPROVAL_ROLE_REQUESTER })).toEqual([applied.id]);
    expect(await listedIds('rep.east.1', { ...bySubject, role: ApprovalRole.APPROVAL_ROLE_DECIDER })).toEqual([]);
    expect(await listedIds('manager.east', { ...bySubject, role: ApprovalRole.APPROVAL_ROLE_DECIDER })).toEqual([applied.id]);
    expect(await listedIds('director', bySubject)).toEqual([applied.id]);
    expect(await listedIds('director', { ...bySubject, role: ApprovalRole.APPROVAL_ROLE_DECIDER })).toEqual([]);
    expect(await listedIds('rep.east.2', bySubject)).toEqual([]);
    expect(await listedIds('manager.west', bySubject)).toEqual([]);
    expect((await listApprovals('manager.east', bySubject))[0].log).toEqual([]);

    await approve('manager.east', applied.id, 1, '同意');
    expect(await listedIds('manager.east', { ...bySubject, role: ApprovalRole.APPROVAL_ROLE_DECIDER })).toEqual([]);
    expect(await listedIds('manager.east', { ...bySubject, statuses: [S.APPROVAL_STATUS_APPROVED] })).toEqual([applied.id]);
    expect(await listedIds('manager.east', { ...bySubject, statuses: [S.APPROVAL_STATUS_PENDING] })).toEqual([]);
    expect((await getApproval('rep.east.1', applied.id)).log.map((entry) => entry.actorName)).toEqual(['rep.east.1', 'manager.east']);
  });

  it('pages newest first and refuses unknown filters', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i += 1) mine.push((await apply('rep.west.1', (await createCustomer('rep.west.1', `分页申请 ${i}`)).id)).id);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const request = approvalV1.ListApprovalsRequest.fromPartial({
        role: ApprovalRole.APPROVAL_ROLE_REQUESTER,
        kinds: ['customer.invalid'],
        page: { pageSize: 2, pageToken },
      });
      const response = await unary(approvals.listApprovals.bind(approvals), request, await as('rep.west.1'));
      expect(response.approvals.length).toBeLessThanOrEqual(2);
      seen.push(...response.approvals.map((approval) => approval.id));
      pageToken = response.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen.slice(0, 3)).toEqual([...mine].reverse());
    // Kinds of other services are not refused: the gateway asks every service with the same filter.
    expect(await listApprovals('admin', { kinds: ['quote.discount'] })).toEqual([]);
    const kinds = await unary(approvals.listApprovalKinds.bind(approvals), {}, await as('rep.east.1'));
    expect(kinds.kinds.sort()).toEqual(['customer.invalid', 'customer.transfer']);
    await expect(listApprovals('admin', { page: { pageSize: 500, pageToken: '' } })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(listApprovals('admin', { page: { pageSize: 10, pageToken: 'garbage' } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});

describe('the approval mechanism for other kinds (PLT-01)', () => {
  interface Applied {
    id: string;
    decider: string;
  }
  const appliedSubjects: Applied[] = [];
  const recorded: string[] = [];
  const recordingEvents: ApprovalEvents = {
    requested: async (_tx, request) => recorded.push(`requested ${request.id}`),
    decided: async (_tx, request, decision) => recorded.push(`decided ${request.id} step ${decision.step} ${decision.action}`),
    completed: async (_tx, request) => recorded.push(`completed ${request.id} ${request.status}`),
  };
  // Two levels: the manager of the unit, then a director; the second level is the one extra line.
  const twoLevels = new ApprovalKinds().register<{ failOnApproval?: boolean }>({
    name: 'quote.discount',
    subjectType: 'quote',
    steps: [
      { name: '部门经理审批', roles: ['sales-manager'], managerOfUnit: { levelsUp: 0 } },
      { name: '总监审批', roles: ['director'] },
    ],
    async onApproved(tx, request, decider) {
      if (request.payload.failOnApproval) throw new Error('the subject refused the change');
      await tx.query('SELECT 1');
      appliedSubjects.push({ id: request.subject.id, decider: decider.username });
    },
  });
  let mechanism: Approvals;
  const principal = async (username: string): Promise<Principal> => {
    const token = await userToken(username);
    return principalFromClaims(decodeJwt(token), token);
  };
  const submit = async (payload: Record<string, unknown> = {}): Promise<ApprovalRequest> => {
    const requester = await principal('rep.east.1');
    return inTransaction(pool, (tx) =>
      mechanism.submit(tx, requester, {
        kind: 'quote.discount',
        subject: { type: 'quote', id: randomUUID(), title: `报价单 ${run}` },
        unit: '/Sales/East',
        reason: '大客户折扣 15%',
        payload,
      }),
    );
  };

  beforeAll(() => {
    mechanism = new Approvals({ pool, kinds: twoLevels, events: recordingEvents });
  });
  // A decision runs in the transaction its RPC opens; here, one of its own.
  const decideIn = <I, R>(decision: (tx: PoolClient, actor: Principal, input: I) => Promise<R>, actor: Principal, input: I) =>
    inTransaction(pool, (tx) => decision(tx, actor, input));

  it('walks a two-level plan: each level by its own deciders, the callback once at the end', async () => {
    const request = await submit();
    expect(request.steps.map((step) => [step.name, step.unit])).toEqual([
      ['部门经理审批', '/Sales/East'],
      ['总监审批', null],
    ]);
    await expect(
      decideIn(mechanism.approve.bind(mechanism), await principal('director'), { id: request.id, step: 1, comment: '' }),
    ).rejects.toMatchObject({
      reason: 'not_a_decider',
    });
    const atSecond = await decideIn(mechanism.approve.bind(mechanism), await principal('manager.east'), {
      id: request.id,
      step: 1,
      comment: '同意',
    });
    expect(atSecond).toMatchObject({ status: 'pending', currentStep: 2 });
    expect(appliedSubjects.find((applied) => applied.id === request.subject.id)).toBeUndefined();
    await expect(
      decideIn(mechanism.approve.bind(mechanism), await principal('manager.east'), { id: request.id, step: 2, comment: '' }),
    ).rejects.toMatchObject({
      reason: 'not_a_decider',
    });
    const done = await decideIn(mechanism.approve.bind(mechanism), await principal('director'), {
      id: request.id,
      step: 2,
      comment: '批准',
    });
    expect(done).toMatchObject({ status: 'approved', currentStep: 2 });
    expect(done.log.map((entry) => `${entry.action}:${entry.actorRole}`)).toEqual([
      'submit:requester',
      'approve:sales-manager',
      'approve:director',
    ]);
    expect(appliedSubjects.filter((applied) => applied.id === request.subject.id)).toEqual([
      { id: request.subject.id, decider: 'director' },
    ]);
    expect(recorded.filter((line) => line.includes(request.id))).toEqual([
      `requested ${request.id}`,
      `decided ${request.id} step 1 approve`,
      `decided ${request.id} step 2 approve`,
      `completed ${request.id} approved`,
    ]);
  });

  it("undoes the final decision when the kind's callback fails: one transaction", async () => {
    const request = await submit({ failOnApproval: true });
    await decideIn(mechanism.approve.bind(mechanism), await principal('manager.east'), { id: request.id, step: 1, comment: '' });
    await expect(
      decideIn(mechanism.approve.bind(mechanism), await principal('director'), { id: request.id, step: 2, comment: '' }),
    ).rejects.toThrow('the subject refused the change');
    const after = await mechanism.get(await principal('admin'), request.id);
    expect(after).toMatchObject({ status: 'pending', currentStep: 2 });
    expect(after.steps[1].decision).toBeNull();
    expect(after.log).toHaveLength(2);
  });
});

describe('the deprecated liaison.customer.v1.ApprovalService (rolling upgrades)', () => {
  it('still applies, lists and decides, answering the same approvals as the new API', async () => {
    const old = createGrpcClient(customerApprovalV1.ApprovalServiceClient, `127.0.0.1:${service.grpcPort}`, {
      serviceName: 'liaison.customer.v1.ApprovalService',
      idempotentMethods: [],
      deadlineMs: 10_000,
    });
    try {
      const customer = await createCustomer('rep.east.1', '旧接口申请');
      const applied = (await unary(old.applyForInvalid.bind(old), { customerId: customer.id, reason: '空号' }, await as('rep.east.1')))
        .approval!;
      expect(applied).toMatchObject({ kind: 'customer.invalid', status: customerApprovalV1.ApprovalStatus.APPROVAL_STATUS_PENDING });
      const inbox = await unary(
        old.listApprovals.bind(old),
        customerApprovalV1.ListApprovalsRequest.fromPartial({ role: customerApprovalV1.ApprovalRole.APPROVAL_ROLE_DECIDER }),
        await as('manager.east'),
      );
      expect(inbox.approvals.map((approval) => approval.id)).toContain(applied.id);
      const decided = (await unary(old.approve.bind(old), { id: applied.id, step: 1, comment: '同意' }, await as('manager.east')))
        .approval!;
      expect(decided.status).toBe(customerApprovalV1.ApprovalStatus.APPROVAL_STATUS_APPROVED);
      expect(await getApproval('rep.east.1', applied.id)).toMatchObject({ id: applied.id, status: S.APPROVAL_STATUS_APPROVED });
    } finally {
      old.close();
    }
  });
});
