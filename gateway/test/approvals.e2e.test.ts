import { approvalEventsV1 } from '@liaison/contracts';
import { collectRecords, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// The invalid-customer application (CUS-08) through the front door: a rep applies, the manager
// of the unit finds it in the inbox and decides, the customer follows; denials and bad input.

let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;
const run = Date.now().toString(36);

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform('customer_approvals_e2e');
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

async function createCustomer(name: string): Promise<string> {
  const created = await call('POST', '/customers', 'rep.east.1', { name: `${name} ${run}`, kind: 'company' });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const idsOf = (reply: Reply) => (reply.body.items as { id: string }[]).map((item) => item.id);

describe('invalid-customer applications through the gateway', () => {
  it('walks apply → inbox → approve: the customer becomes invalid, each level reads the log', async () => {
    const customerId = await createCustomer('网关无效申请 深圳空壳公司');
    const applied = await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', { reason: '工商查询已注销' });
    expect(applied.status).toBe(201);
    const id = applied.body.id as string;
    expect(applied.headers.get('location')).toBe(`/api/v1/approvals/${id}`);
    expect(applied.body).toMatchObject({
      kind: 'customer.invalid',
      status: 'pending',
      currentStep: 1,
      reason: '工商查询已注销',
      unit: '/Sales/East',
      subject: { type: 'customer', id: customerId },
      requester: { name: 'rep.east.1', unit: '/Sales/East' },
      payload: { fromCategory: 'potential' },
      steps: [
        {
          position: 1,
          name: '部门经理审批',
          roles: ['sales-manager'],
          unit: '/Sales/East',
          decision: null,
          decidedBy: null,
          decidedAt: null,
          comment: null,
        },
      ],
      log: [{ step: 0, action: 'submit', actor: { name: 'rep.east.1' }, role: 'requester', comment: '工商查询已注销' }],
      completedAt: null,
    });

    const inbox = await call(
      'GET',
      `/approvals?role=decider&status=pending&kind=customer.invalid&subjectType=customer&subjectId=${customerId}`,
      'manager.east',
    );
    expect(inbox.status).toBe(200);
    expect(idsOf(inbox)).toEqual([id]);
    expect((inbox.body.items as Record<string, unknown>[])[0].log).toBeUndefined();
    expect(idsOf(await call('GET', `/approvals?subjectId=${customerId}`, 'manager.west'))).toEqual([]);
    const hidden = await call('GET', `/approvals/${id}`, 'manager.west');
    expectProblem(hidden, 404, 'not_found');
    expect(JSON.stringify(hidden.body)).not.toContain('深圳');
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'manager.west', { step: 1 }), 404, 'not_found');
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'rep.east.1', { step: 1 }), 403, 'forbidden');
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'director', { step: 1 }), 403, 'not_a_decider');

    const approved = await call('POST', `/approvals/${id}/approve`, 'manager.east', { step: 1, comment: '已核实，同意' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      steps: [{ decision: 'approve', decidedBy: { name: 'manager.east' }, comment: '已核实，同意' }],
    });
    expect(approved.body.completedAt).toEqual(expect.any(String));
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'manager.east', { step: 1 }), 409, 'not_pending');

    expect((await call('GET', `/customers/${customerId}`, 'rep.east.1')).body.category).toBe('invalid');
    for (const reader of ['rep.east.1', 'director']) {
      const read = await call('GET', `/approvals/${id}`, reader);
      expect((read.body.log as { action: string; role: string }[]).map((entry) => `${entry.action}:${entry.role}`)).toEqual([
        'submit:requester',
        'approve:sales-manager',
      ]);
    }
    const completed = await waitFor('ApprovalCompleted', async () =>
      events.records.find((record) => record.key === customerId && record.headers.ce_type === 'liaison.events.v1.ApprovalCompleted'),
    );
    expect(approvalEventsV1.ApprovalCompleted.decode(completed.value!).approval?.id).toBe(id);
  });

  it('refuses bad input, a second application, rejections without a comment and withdrawals by others', async () => {
    const customerId = await createCustomer('网关申请校验');
    expectProblem(await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', {}), 400, 'validation_failed');
    expectProblem(
      await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', { reason: 'x', extra: 1 }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/customers/not-a-uuid/invalid-applications', 'rep.east.1', { reason: 'x' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.2', { reason: '不是我的客户' }),
      404,
      'not_found',
    );
    expectProblem(await call('POST', `/customers/${customerId}/invalid-applications`, 'analyst', { reason: '分析师' }), 403, 'forbidden');

    const applied = await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', { reason: '重复客户' });
    const id = applied.body.id as string;
    expectProblem(
      await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', { reason: '再申请一次' }),
      409,
      'approval_pending',
    );
    expectProblem(await call('POST', `/approvals/${id}/reject`, 'manager.east', { step: 1 }), 400, 'validation_failed');
    expectProblem(await call('POST', `/approvals/${id}/reject`, 'manager.east', { step: 1, comment: '   ' }), 400, 'invalid_argument');
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'manager.east', {}), 400, 'validation_failed');
    expectProblem(await call('POST', `/approvals/${id}/approve`, 'manager.east', { step: 2 }), 409, 'step_already_decided');
    expectProblem(await call('GET', '/approvals?status=open', 'manager.east'), 400, 'validation_failed');
    expectProblem(await call('GET', '/approvals?role=boss', 'manager.east'), 400, 'validation_failed');
    expectProblem(await call('GET', '/approvals?kind=quote.discount', 'manager.east'), 400, 'invalid_argument');
    expectProblem(await call('GET', '/approvals/not-a-uuid', 'manager.east'), 400, 'validation_failed');
    expectProblem(await call('GET', '/approvals', 'partner.acme'), 403, 'forbidden');
    expectProblem(await call('GET', `/approvals/${id}`), 401, 'token_missing');

    expectProblem(await call('POST', `/approvals/${id}/withdraw`, 'manager.east', {}), 403, 'not_requester');
    const withdrawn = await call('POST', `/approvals/${id}/withdraw`, 'rep.east.1', { comment: '客户已回复' });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    expect((withdrawn.body.log as { action: string }[]).map((entry) => entry.action)).toEqual(['submit', 'withdraw']);
    expect((await call('GET', `/customers/${customerId}`, 'rep.east.1')).body.category).toBe('potential');

    const again = await call('POST', `/customers/${customerId}/invalid-applications`, 'rep.east.1', { reason: '确认重复' });
    const rejected = await call('POST', `/approvals/${again.body.id}/reject`, 'manager.east', { step: 1, comment: '不是重复客户' });
    expect(rejected.body).toMatchObject({ status: 'rejected', steps: [{ decision: 'reject', comment: '不是重复客户' }] });
    expect((await call('GET', `/customers/${customerId}`, 'rep.east.1')).body.category).toBe('potential');
    const mine = await call('GET', `/approvals?role=requester&status=withdrawn,rejected&subjectId=${customerId}`, 'rep.east.1');
    expect(idsOf(mine)).toEqual([again.body.id, id]);
  });
});
