import { assignmentV1, customerV1, followUpV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import { ensureDatabase, subjectOf, userToken } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata as as, startServiceUnderTest } from './support';

// A follower (跟进人) works a customer for its owner: they read it, find it in their lists and
// record follow-ups on it, but the customer record and its ownership stay with the owner's side.

const { CustomerKind, CustomerSort } = customerV1;
const RUN = `跟进${Date.now().toString(36)}`;

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let assignments: assignmentV1.CustomerAssignmentServiceClient;
let followUps: followUpV1.FollowUpServiceClient;
const subs: Record<string, string> = {};

const create = async (username: string, name: string, starRating: number) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `${name} ${RUN}`, kind: CustomerKind.CUSTOMER_KIND_COMPANY, starRating }),
      await as(username),
    )
  ).customer!;
const get = async (username: string, id: string) =>
  (await unary(customers.getCustomer.bind(customers), { id }, await as(username))).customer!;
const follow = async (follower: string, id: string) =>
  unary(
    assignments.assignFollowers.bind(assignments),
    { customerIds: [id], followerId: subs[follower], followerUnit: '/Sales/East' },
    await as('manager.east'),
  );
const listByStars = async (username: string, pageToken = '') =>
  unary(
    customers.listCustomers.bind(customers),
    customerV1.ListCustomersRequest.fromPartial({
      nameContains: RUN,
      sort: CustomerSort.CUSTOMER_SORT_STARS_DESC,
      page: { pageSize: 1, pageToken },
    }),
    await as(username),
  );
const recordFollowUp = async (username: string, customerId: string) =>
  (
    await unary(
      followUps.createFollowUp.bind(followUps),
      followUpV1.CreateFollowUpRequest.fromPartial({
        customerId,
        method: followUpV1.FollowUpMethod.FOLLOW_UP_METHOD_PHONE,
        content: '电话跟进，约下周拜访。',
      }),
      await as(username),
    )
  ).followUp!;

beforeAll(async () => {
  service = await startServiceUnderTest('customer-follower-it', await ensureDatabase('customer_follower_it'), {
    POOL_RULE_INTERVAL_MS: '0',
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = { idempotentMethods: [], deadlineMs: 10_000 };
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    ...options,
  });
  assignments = createGrpcClient(assignmentV1.CustomerAssignmentServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerAssignmentService',
    ...options,
  });
  followUps = createGrpcClient(followUpV1.FollowUpServiceClient, address, {
    serviceName: 'liaison.customer.v1.FollowUpService',
    ...options,
  });
  for (const user of ['rep.east.1', 'rep.east.2', 'manager.east']) subs[user] = subjectOf(await userToken(user));
});

afterAll(async () => {
  customers?.close();
  assignments?.close();
  followUps?.close();
  await service?.host.stop();
});

describe('a follower', () => {
  it('reads and lists the customers they follow, beside their own, in one ordered list', async () => {
    const followed = await create('rep.east.1', '华东精密仪器', 5);
    const own = await create('rep.east.2', '苏州新材料', 3);
    await expect(get('rep.east.2', followed.id)).rejects.toMatchObject({ code: 'not_found' });

    await follow('rep.east.2', followed.id);
    expect((await get('rep.east.2', followed.id)).id).toBe(followed.id);
    const first = await listByStars('rep.east.2');
    expect(first.customers.map((customer) => customer.id)).toEqual([followed.id]);
    const second = await listByStars('rep.east.2', first.page!.nextPageToken);
    expect(second.customers.map((customer) => customer.id)).toEqual([own.id]);
    expect(second.page!.nextPageToken).toBe('');
    await expect(get('rep.west.1', followed.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('records follow-ups on a followed customer but cannot change the customer or its ownership', async () => {
    const followed = await create('rep.east.1', '上海云图科技', 4);
    await follow('rep.east.2', followed.id);

    expect((await recordFollowUp('rep.east.2', followed.id)).customerId).toBe(followed.id);
    const update = customerV1.UpdateCustomerRequest.fromPartial({
      id: followed.id,
      expectedVersion: (await get('rep.east.1', followed.id)).version,
      customer: { starRating: 1 },
      updateMask: ['star_rating'],
    });
    await expect(unary(customers.updateCustomer.bind(customers), update, await as('rep.east.2'))).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(
      unary(assignments.releaseToPool.bind(assignments), { customerId: followed.id, reason: '不想跟了' }, await as('rep.east.2')),
    ).rejects.toMatchObject({ code: 'permission_denied', reason: 'read_only' });
    expect((await get('rep.east.1', followed.id)).ownerId).toBe(subs['rep.east.1']);
  });

  it('loses the customer when someone else becomes its follower', async () => {
    const followed = await create('rep.east.1', '杭州数智物流', 2);
    await follow('rep.east.2', followed.id);
    expect((await get('rep.east.2', followed.id)).id).toBe(followed.id);

    await follow('manager.east', followed.id);
    await expect(get('rep.east.2', followed.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(recordFollowUp('rep.east.2', followed.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
