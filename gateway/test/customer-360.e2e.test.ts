import { randomUUID } from 'node:crypto';
import { EventTypes, Topics, type EventType } from '@liaison/contracts';
import { cloudEventHeaders } from '@liaison/events';
import { stack, waitFor } from '@liaison/testkit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// The customer 360 view through the front door: a customer created over REST, sales events
// published to Kafka as the sales pipeline will, the built customer service's projection, and
// GET /customers/{id}/360 and /timeline through the gateway, per role.

let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let producer: Producer;

beforeAll(async () => {
  // A group of its own per run, so the projection starts at the newest events.
  platform = await startPlatform('customer_360_e2e', { PROJECTIONS_GROUP_ID: `customer-projections-e2e-${randomUUID()}` });
  producer = new Kafka({ clientId: 'customer-360-e2e', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await platform?.stop();
});

interface SalesEvent {
  id: string;
  type: EventType<unknown>;
  payload: unknown;
}

const salesEvent = <T>(type: EventType<T>, payload: Partial<T>): SalesEvent => ({
  id: randomUUID(),
  type: type as EventType<unknown>,
  payload: type.codec.fromPartial(payload),
});

/** Sends events with fixed CloudEvents ids: sending them again is a redelivery the inbox drops. */
async function publish(customerId: string, events: SalesEvent[]): Promise<void> {
  await producer.send({
    topic: Topics.sales,
    acks: -1,
    messages: events.map((event) => ({
      key: customerId,
      value: Buffer.from(event.type.codec.encode(event.payload).finish()),
      headers: cloudEventHeaders({ id: event.id, type: event.type.type, source: 'liaison.sales', time: new Date(), subject: customerId }),
    })),
  });
}

const cny = (yuan: number) => ({ minorUnits: yuan * 100, currencyCode: 'CNY' });

describe('customer 360 through the gateway', () => {
  it('shows event-fed figures, value and credit warning, scoped per role, and the timeline', async () => {
    const created = await call('POST', '/customers', {
      user: 'rep.east.1',
      body: { name: `深圳南山科技有限公司 ${Date.now()}`, kind: 'company', creditLimit: { minorUnits: 10_000_000, currency: 'CNY' } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const events = [
      salesEvent(EventTypes.OrderPlaced, {
        orderId: `so-${id}`,
        customerId: id,
        amount: cny(1_200_000),
        placedAt: new Date(),
        orderNumber: 'SO-深圳-001',
      }),
      salesEvent(EventTypes.ReceivableBalanceChanged, { customerId: id, outstanding: cny(150_000), overdueDays: 0, asOf: new Date() }),
    ];
    // The projection's new group only reads what arrives after it joined: send until it shows.
    const view = await waitFor(
      'the projected figures',
      async () => {
        await publish(id, events);
        const reply = await call('GET', `/customers/${id}/360`, { user: 'rep.east.1' });
        return (reply.body.trade as { orderCount?: number } | null)?.orderCount === 1 &&
          (reply.body.finance as { outstanding?: { minorUnits: number } }).outstanding?.minorUnits === 15_000_000
          ? reply
          : undefined;
      },
      60_000,
      1_000,
    );

    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      customer: { id, ownerUnit: '/Sales/East' },
      contacts: [],
      recentFollowUps: [],
      trade: {
        orderCount: 1,
        orderAmount: { minorUnits: 120_000_000, currency: 'CNY' },
        largestOrder: { id: `so-${id}`, amount: { minorUnits: 120_000_000, currency: 'CNY' } },
      },
      finance: {
        received: { minorUnits: 0, currency: 'CNY' },
        outstanding: { minorUnits: 15_000_000, currency: 'CNY' },
        creditLimit: { minorUnits: 10_000_000, currency: 'CNY' },
        overdueDays: 0,
      },
      activity: { contactCount: 0, openServiceRequests: 0 },
      value: { score: 80, grade: 'A', recencyDays: 0, ordersLast12Months: 1 },
      creditRisk: { level: 'high', reasons: ['over_credit_limit'] },
      withheldSections: [],
      figuresAt: expect.any(String),
    });

    const agent = await call('GET', `/customers/${id}/360`, { user: 'service.agent' });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({
      trade: null,
      finance: null,
      value: null,
      creditRisk: null,
      withheldSections: ['trade', 'finance', 'value'],
      contacts: [],
    });
    const analyst = await call('GET', `/customers/${id}/360`, { user: 'analyst' });
    expect(analyst.body).toMatchObject({ recentFollowUps: null, withheldSections: ['follow_ups'], value: { grade: 'A' } });

    for (const user of ['rep.east.2', 'manager.west', 'partner.acme']) {
      const denied = await call('GET', `/customers/${id}/360`, { user });
      expectProblem(denied, 404, 'not_found');
      expect(JSON.stringify(denied.body)).not.toContain('深圳南山');
    }

    const first = await call('GET', `/customers/${id}/timeline?pageSize=1`, { user: 'rep.east.1' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const all = await call('GET', `/customers/${id}/timeline`, { user: 'rep.east.1' });
    const items = all.body.items as { kind: string; section: string; title: string; refId: string | null; amount: unknown }[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'order_placed',
          section: 'trade',
          title: 'Order SO-深圳-001 placed',
          refId: `so-${id}`,
          amount: { minorUnits: 120_000_000, currency: 'CNY' },
        }),
        expect.objectContaining({ kind: 'receivable_changed', section: 'finance', refId: null }),
      ]),
    );
    const second = await call('GET', `/customers/${id}/timeline?pageSize=1&pageToken=${first.body.nextPageToken as string}`, {
      user: 'rep.east.1',
    });
    expect((second.body.items as { id: string }[])[0].id).toBe((all.body.items as { id: string }[])[1].id);
    const agentTimeline = await call('GET', `/customers/${id}/timeline`, { user: 'service.agent' });
    expect(agentTimeline.body.withheldSections).toEqual(['trade', 'finance']);
    expect((agentTimeline.body.items as { section: string }[]).some((item) => ['trade', 'finance'].includes(item.section))).toBe(false);
    expectProblem(await call('GET', `/customers/${id}/timeline`, { user: 'rep.west.1' }), 404, 'not_found');
  });

  it('refuses bad ids, bad paging and callers without a token', async () => {
    expectProblem(await call('GET', '/customers/not-a-uuid/360', { user: 'admin' }), 400, 'validation_failed');
    expectProblem(await call('GET', `/customers/${randomUUID()}/360`, { user: 'admin' }), 404, 'not_found');
    expectProblem(await call('GET', `/customers/${randomUUID()}/timeline?pageSize=500`, { user: 'admin' }), 400, 'validation_failed');
    expectProblem(await call('GET', `/customers/${randomUUID()}/timeline?extra=1`, { user: 'admin' }), 400, 'validation_failed');
    expectProblem(await call('GET', `/customers/${randomUUID()}/360`), 401, 'token_missing');
  });

  it('documents both operations in the OpenAPI document with their permission', async () => {
    const response = await fetch(`${platform.baseUrl}/openapi.json`);
    const doc = (await response.json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    expect(doc.paths['/customers/{id}/360']?.get?.['x-permission']).toBe('customer:read');
    expect(doc.paths['/customers/{id}/timeline']?.get?.['x-permission']).toBe('customer:read');
  });
});
