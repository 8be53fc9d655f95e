import { customerV1, invalidApplicationV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import { userToken } from '@liaison/testkit';
import { Metadata } from '@grpc/grpc-js';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// One inbox over every service with approvals. Two services here: the customer service, and a
// second one (another instance of it on a database of its own, told to the gateway as
// SECOND_GRPC_ADDR), each holding approvals the other does not know. A manager pages through
// the gateway's list one approval at a time and sees both services' approvals in one order,
// each once; reading and deciding by id reaches the service that owns the approval.

let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
const run = Date.now().toString(36);

beforeAll(async () => {
  platform = await startPlatform('approvals_across_first', {}, { moreServices: [{ name: 'second', database: 'approvals_across_second' }] });
});

afterAll(() => platform?.stop());

/** Applies through the gateway (the customer service) or straight to the second service. */
async function applyFirst(name: string): Promise<string> {
  const customer = await call('POST', '/customers', 'rep.east.1', { name: `${name} ${run}`, kind: 'company' });
  const applied = await call('POST', `/customers/${customer.body.id}/invalid-applications`, 'rep.east.1', { reason: '空号' });
  expect(applied.status).toBe(201);
  return applied.body.id as string;
}

async function applySecond(name: string): Promise<string> {
  const address = platform.serviceAddresses.SECOND_GRPC_ADDR;
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await userToken('rep.east.1')}`);
  const customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
  });
  const applications = createGrpcClient(invalidApplicationV1.InvalidApplicationServiceClient, address, {
    serviceName: 'liaison.customer.v1.InvalidApplicationService',
    idempotentMethods: [],
  });
  try {
    const request = customerV1.CreateCustomerRequest.fromPartial({
      name: `${name} ${run}`,
      kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
    });
    const { customer } = await unary(customers.createCustomer.bind(customers), request, metadata);
    const { approval } = await unary(
      applications.createInvalidApplication.bind(applications),
      { customerId: customer!.id, reason: '空号' },
      metadata,
    );
    return approval!.id;
  } finally {
    customers.close();
    applications.close();
  }
}

async function inboxPageByPage(username: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | null = '';
  while (token !== null) {
    const page = await call('GET', `/approvals?role=decider&pageSize=1${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, username);
    expect(page.status).toBe(200);
    ids.push(...(page.body.items as { id: string }[]).map((item) => item.id));
    token = page.body.nextPageToken as string | null;
  }
  return ids;
}

describe('approvals across services', () => {
  it('lists every service’s approvals in one order, each once, page by page', async () => {
    const mine = [await applyFirst('跨服务甲'), await applySecond('跨服务乙'), await applyFirst('跨服务丙'), await applySecond('跨服务丁')];
    const inbox = await inboxPageByPage('manager.east');
    const ours = inbox.filter((id) => mine.includes(id));
    // Newest first: the order they were applied for, reversed, alternating between the services.
    expect(ours).toEqual([...mine].reverse());
    expect(new Set(inbox).size).toBe(inbox.length);
    // Nobody else's inbox: the west manager decides none of them.
    expect((await inboxPageByPage('manager.west')).filter((id) => mine.includes(id))).toEqual([]);
  });

  it('reads and decides an approval at the service that owns it', async () => {
    const id = await applySecond('跨服务审批');
    expect(await call('GET', `/approvals/${id}`, 'manager.east')).toMatchObject({ status: 200, body: { id, status: 'pending' } });
    const approved = await call('POST', `/approvals/${id}/approve`, 'manager.east', { step: 1, comment: '同意' });
    expect(approved).toMatchObject({ status: 200, body: { id, status: 'approved' } });
    expectProblem(await call('GET', `/approvals/${id}`, 'rep.west.1'), 404, 'not_found');
  });

  it('refuses a kind no service decides', async () => {
    expectProblem(await call('GET', '/approvals?kind=quote.discount', 'manager.east'), 400, 'invalid_argument');
    expect((await call('GET', '/approvals?kind=customer.invalid', 'manager.east')).status).toBe(200);
  });
});
