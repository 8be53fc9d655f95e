import { Metadata } from '@grpc/grpc-js';
import { customerV1, eventsV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, grpcHealthCheck, unary, type Pool } from '@liaison/runtime';
import { clientToken, collectRecords, ensureDatabase, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// The customer service in-process, against the real PostgreSQL, Kafka and Keycloak.

const { CustomerKind } = customerV1;
let service: RunningCustomerService;
let client: customerV1.CustomerServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

const create = async (username: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}) =>
  (
    await unary(
      client.createCustomer.bind(client),
      customerV1.CreateCustomerRequest.fromPartial({ name, kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...extra }),
      await as(username),
    )
  ).customer!;

const get = async (username: string, id: string) => (await unary(client.getCustomer.bind(client), { id }, await as(username))).customer!;

const countRows = async (table: string) => Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-it', databaseUrl);
  client = createGrpcClient(customerV1.CustomerServiceClient, `127.0.0.1:${service.grpcPort}`, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: ['GetCustomer', 'ListCustomers'],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  client?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('customer service against the real stack', () => {
  it('reports SERVING over grpc.health.v1 once its database answers', async () => {
    await expect(grpcHealthCheck(`127.0.0.1:${service.grpcPort}`)()).resolves.toBeUndefined();
    await expect(grpcHealthCheck(`127.0.0.1:${service.grpcPort}`, 'liaison.customer.v1.CustomerService')()).resolves.toBeUndefined();
    await expect(grpcHealthCheck(`127.0.0.1:${service.grpcPort}`, 'dependency/postgres')()).resolves.toBeUndefined();
  });

  it("creates a customer with a Chinese name owned by the caller in the caller's unit", async () => {
    const token = await userToken('rep.east.1');
    const created = await create('rep.east.1', '  深圳市南山区科技园有限公司  ', {
      phone: '0755-8888 6666',
      starRating: 3,
      creditLimit: { minorUnits: 1_000_000, currencyCode: 'CNY' },
    });
    expect(created).toMatchObject({
      name: '深圳市南山区科技园有限公司',
      ownerId: subjectOf(token),
      ownerUnit: '/Sales/East',
      version: 1,
      starRating: 3,
    });
    expect(created.creditLimit).toEqual({ minorUnits: 1_000_000, currencyCode: 'CNY' });
    expect(await get('rep.east.1', created.id)).toEqual(created);
  });

  it('scopes reads: own for reps, managed units for managers, everything for directors', async () => {
    const customer = await create('rep.east.1', '苏州工业园区精工机械');
    await expect(get('rep.east.2', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('rep.west.1', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('manager.west', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('partner.acme', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await get('manager.east', customer.id)).id).toBe(customer.id);
    expect((await get('director', customer.id)).id).toBe(customer.id);
    expect((await get('admin', customer.id)).id).toBe(customer.id);
  });

  it('answers not_found for an unknown id and invalid_argument for a malformed one', async () => {
    await expect(get('admin', '8a1f3c52-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('admin', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('lists with stable cursor paging inside the scope and filters by name', async () => {
    const marker = `分页测试${Date.now()}`;
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push((await create('rep.west.1', `${marker} 第${i}号`)).id);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const response = await unary(
        client.listCustomers.bind(client),
        customerV1.ListCustomersRequest.fromPartial({ page: { pageSize: 2, pageToken }, nameContains: marker }),
        await as('manager.west'),
      );
      expect(response.customers.length).toBeLessThanOrEqual(2);
      seen.push(...response.customers.map((c) => c.id));
      pageToken = response.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toEqual([...ids].reverse());
    const eastView = await unary(
      client.listCustomers.bind(client),
      customerV1.ListCustomersRequest.fromPartial({ nameContains: marker }),
      await as('manager.east'),
    );
    expect(eastView.customers).toEqual([]);
    await expect(
      unary(client.listCustomers.bind(client), customerV1.ListCustomersRequest.fromPartial({ page: { pageSize: 500 } }), await as('admin')),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      unary(
        client.listCustomers.bind(client),
        customerV1.ListCustomersRequest.fromPartial({ page: { pageToken: 'garbage' } }),
        await as('admin'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('updates with optimistic concurrency and refuses stale versions', async () => {
    const customer = await create('rep.east.1', '宁波港口物流');
    const update = async (username: string, expectedVersion: number, fields: Partial<customerV1.Customer>, mask: string[]) =>
      (
        await unary(
          client.updateCustomer.bind(client),
          customerV1.UpdateCustomerRequest.fromPartial({ id: customer.id, expectedVersion, customer: fields, updateMask: mask }),
          await as(username),
        )
      ).customer!;
    const updated = await update('rep.east.1', 1, { starRating: 5, industry: '物流' }, ['star_rating', 'industry']);
    expect(updated).toMatchObject({ version: 2, starRating: 5, industry: '物流', name: '宁波港口物流' });
    await expect(update('rep.east.1', 1, { starRating: 1 }, ['star_rating'])).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(update('rep.east.2', 2, { starRating: 1 }, ['star_rating'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(update('analyst', 2, { starRating: 1 }, ['star_rating'])).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(update('rep.east.1', 2, { starRating: 9 }, ['star_rating'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(update('rep.east.1', 2, {}, ['owner_id'])).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await get('rep.east.1', customer.id)).version).toBe(2);
  });

  it('writes nothing for an invalid create, and nothing to the outbox either', async () => {
    const [customersBefore, outboxBefore] = [await countRows('customers'), await countRows('outbox')];
    await expect(create('rep.east.1', '', {})).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(create('rep.east.1', 'x', { email: 'nope' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'email', message: expect.any(String) }],
    });
    await expect(create('analyst', '分析师不能创建')).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await countRows('customers')).toBe(customersBefore);
    expect(await countRows('outbox')).toBe(outboxBefore);
  });

  it('treats a repeated request id as the same create', async () => {
    const requestId = `req-${Date.now()}`;
    const first = await create('rep.east.2', '重复提交测试', { requestId });
    const second = await create('rep.east.2', '重复提交测试', { requestId });
    expect(second.id).toBe(first.id);
    const { rows } = await pool.query('SELECT count(*) FROM outbox WHERE key = $1', [first.id]);
    expect(Number(rows[0].count)).toBe(1);
  });

  it('accepts client-credentials tokens of internal services and ERP with their own permissions', async () => {
    const customer = await create('rep.east.1', '服务账号可读客户');
    const asClient = async (clientId: string, secret: string) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await clientToken(clientId, secret)}`);
      return metadata;
    };
    const internal = await asClient('liaison-internal', 'liaison-internal-secret');
    expect((await unary(client.getCustomer.bind(client), { id: customer.id }, internal)).customer?.id).toBe(customer.id);
    const erp = await asClient('erp-connector', 'erp-connector-secret');
    expect((await unary(client.getCustomer.bind(client), { id: customer.id }, erp)).customer?.id).toBe(customer.id);
    await expect(
      unary(
        client.createCustomer.bind(client),
        customerV1.CreateCustomerRequest.fromPartial({ name: 'ERP 不能建客户', kind: CustomerKind.CUSTOMER_KIND_COMPANY }),
        erp,
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('refuses calls without a valid token', async () => {
    const forged = new Metadata();
    const real = await userToken('admin');
    const [header, payload] = real.split('.');
    forged.set('authorization', `Bearer ${header}.${payload}.${Buffer.from('forged').toString('base64url')}`);
    await expect(unary(client.getCustomer.bind(client), { id: '8a1f3c52-0000-4000-8000-000000000000' }, forged)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(unary(client.getCustomer.bind(client), { id: '8a1f3c52-0000-4000-8000-000000000000' })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('publishes CustomerCreated and CustomerUpdated to liaison.customer.v1 keyed by customer id', async () => {
    const customer = await create('rep.east.1', '武汉光谷电子');
    await unary(
      client.updateCustomer.bind(client),
      customerV1.UpdateCustomerRequest.fromPartial({
        id: customer.id,
        expectedVersion: 1,
        customer: { name: '武汉光谷电子股份' },
        updateMask: ['name'],
      }),
      await as('rep.east.1'),
    );
    const mine = await waitFor('both events', async () => {
      const found = events.records.filter((record) => record.key === customer.id);
      return found.length >= 2 ? found : undefined;
    });
    expect(mine.map((r) => r.headers.ce_type)).toEqual(['liaison.events.v1.CustomerCreated', 'liaison.events.v1.CustomerUpdated']);
    for (const record of mine) {
      expect(record.headers).toMatchObject({
        'ce_specversion': '1.0',
        'ce_source': 'liaison.customer',
        'ce_subject': customer.id,
        'content-type': 'application/protobuf',
      });
      expect(record.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(eventsV1.CustomerCreated.decode(mine[0].value!).customer?.name).toBe('武汉光谷电子');
    const updated = eventsV1.CustomerUpdated.decode(mine[1].value!);
    expect(updated.changedFields).toEqual(['name']);
    expect(updated.customer?.version).toBe(2);
  });
});
