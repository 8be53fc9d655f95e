import { subjectOf, userToken } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Employee handover (员工异动交接) and transfer approval (客户转移审批) through the front door:
// real processes, real tokens, a database of this test's own (the approval setting is global
// to a database).

const DATABASE = 'handover_e2e';
const RUN = Date.now().toString(36);
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
const subs: Record<string, string> = {};

beforeAll(async () => {
  platform = await startPlatform(DATABASE);
  for (const user of ['admin', 'manager.east', 'rep.east.1', 'rep.east.2', 'rep.west.1']) subs[user] = subjectOf(await userToken(user));
});

afterAll(async () => {
  await platform?.stop();
});

const createCustomer = async (user: string, name: string) => {
  const reply = await call('POST', '/customers', user, { name: `${name} ${RUN}`, kind: 'company' });
  expect(reply.status).toBe(201);
  return reply.body as { id: string };
};

const ownerOf = async (id: string) => ((await call('GET', `/customers/${id}`, 'admin')).body as { ownerId: string }).ownerId;

describe('POST /handovers', () => {
  it("hands a leaving employee's customers to two successors evenly, and lists and reads the handover", async () => {
    const a = await createCustomer('rep.east.1', '交接甲');
    const b = await createCustomer('rep.east.1', '交接乙');
    const from = `leaver-${RUN}`;
    await platform.query('UPDATE customers SET owner_id = $2 WHERE id = ANY($1::uuid[])', [[a.id, b.id], from]);
    const body = {
      fromUserId: from,
      successors: [
        { userId: subs['rep.east.1'], unit: '/Sales/East' },
        { userId: subs['rep.east.2'], unit: '/Sales/East' },
      ],
      rewriteCreator: true,
      reason: '员工离职',
    };
    const created = await call('POST', '/handovers', 'manager.east', body, { 'idempotency-key': `handover-${RUN}` });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      fromUserId: from,
      allCustomers: true,
      customerCount: 2,
      distribution: 'even',
      rewriteCreator: true,
      actor: { id: subs['manager.east'] },
    });
    expect((created.body.successors as { customerCount: number }[]).map((s) => s.customerCount)).toEqual([1, 1]);
    expect(created.headers.get('location')).toContain(`/handovers/${created.body.id as string}`);
    expect([await ownerOf(a.id), await ownerOf(b.id)]).toEqual([subs['rep.east.1'], subs['rep.east.2']]);

    const replay = await call('POST', '/handovers', 'manager.east', body, { 'idempotency-key': `handover-${RUN}` });
    expect(replay.body.id).toBe(created.body.id);
    expect((await call('GET', `/handovers/${created.body.id as string}`, 'rep.east.2')).body.id).toBe(created.body.id);
    expectProblem(await call('GET', `/handovers/${created.body.id as string}`, 'rep.west.1'), 404, 'not_found');
    const listed = await call('GET', `/handovers?fromUserId=${from}`, 'admin');
    expect((listed.body.items as { id: string }[]).map((h) => h.id)).toEqual([created.body.id]);
  });

  it("answers 400 for bad input, 403 for reps, 404 outside the manager's scope", async () => {
    const customer = await createCustomer('rep.east.1', '交接越权');
    const good = {
      fromUserId: subs['rep.east.1'],
      customerIds: [customer.id],
      successors: [{ userId: subs['rep.east.2'], unit: '/Sales/East' }],
      reason: '调岗',
    };
    expectProblem(await call('POST', '/handovers', 'admin', { ...good, successors: [] }), 400, 'validation_failed');
    expectProblem(await call('POST', '/handovers', 'admin', { ...good, extra: 1 }), 400, 'validation_failed');
    expectProblem(await call('POST', '/handovers', 'admin', { ...good, customerIds: ['not-a-uuid'] }), 400, 'validation_failed');
    const self = await call('POST', '/handovers', 'admin', { ...good, successors: [{ userId: subs['rep.east.1'], unit: '/Sales/East' }] });
    expect(self.status).toBe(400);
    expect(self.body.violations).toEqual([expect.objectContaining({ field: 'successors[0].userId' })]);
    expectProblem(await call('POST', '/handovers', 'rep.east.1', good), 403, 'forbidden');
    expectProblem(
      await call('POST', '/handovers', 'manager.west', { ...good, successors: [{ userId: subs['rep.west.1'], unit: '/Sales/West' }] }),
      404,
      'not_found',
    );
    expectProblem(await call('GET', '/handovers/00000000-0000-4000-8000-000000000000', 'admin'), 404, 'not_found');
    expect(await ownerOf(customer.id)).toBe(subs['rep.east.1']);
  });
});

describe('transfer approval', () => {
  afterAll(async () => {
    const current = await call('GET', '/settings/transfer-approval', 'admin');
    if (current.body.approvalRequired)
      await call(
        'PUT',
        '/settings/transfer-approval',
        'admin',
        { approvalRequired: false },
        { 'if-match': current.headers.get('etag') ?? '' },
      );
  });

  it("is off by default; once on, a rep's transfer answers 202 with the approval, and the manager's approval moves the customer", async () => {
    const settings = await call('GET', '/settings/transfer-approval', 'admin');
    expect(settings.status).toBe(200);
    expectProblem(await call('GET', '/settings/transfer-approval', 'manager.east'), 403, 'forbidden');
    expectProblem(await call('PUT', '/settings/transfer-approval', 'admin', { approvalRequired: true }), 428, 'precondition_required');
    expectProblem(
      await call('PUT', '/settings/transfer-approval', 'admin', { approvalRequired: 'yes', version: 1 }),
      400,
      'validation_failed',
    );
    const customer = await createCustomer('rep.east.1', '审批转移');
    const body = { customerIds: [customer.id], toOwnerId: subs['rep.east.2'], toOwnerUnit: '/Sales/East', reason: '客户搬迁' };
    expectProblem(await call('POST', '/customers/transfer', 'rep.east.1', body), 403, 'forbidden');

    const on = await call(
      'PUT',
      '/settings/transfer-approval',
      'admin',
      { approvalRequired: true },
      { 'if-match': settings.headers.get('etag') ?? '' },
    );
    expect(on.body).toMatchObject({ approvalRequired: true });
    const pending = await call('POST', '/customers/transfer', 'rep.east.1', body);
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ kind: 'customer.transfer', status: 'pending', unit: '/Sales/East', currentStep: 1 });
    expect(pending.headers.get('location')).toContain(`/approvals/${pending.body.id as string}`);
    expect(await ownerOf(customer.id)).toBe(subs['rep.east.1']);
    expectProblem(await call('POST', '/customers/transfer', 'rep.east.1', body), 409, 'transfer_pending');
    expectProblem(
      await call('POST', `/approvals/${pending.body.id as string}/approve`, 'rep.east.2', { step: 1, comment: '' }),
      403,
      'forbidden',
    );

    const approved = await call('POST', `/approvals/${pending.body.id as string}/approve`, 'manager.east', { step: 1, comment: '同意' });
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect(await ownerOf(customer.id)).toBe(subs['rep.east.2']);
    // An admin's transfer stays direct.
    const direct = await call('POST', '/customers/transfer', 'admin', { ...body, toOwnerId: subs['rep.east.1'] });
    expect(direct.status).toBe(200);
  });
});
