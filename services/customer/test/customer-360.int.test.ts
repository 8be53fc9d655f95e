import { randomUUID } from 'node:crypto';
import { contactV1, customerV1, customerViewV1, EventTypes, followUpV1, Topics, type EventType } from '@liaison/contracts';
import { cloudEventHeaders } from '@liaison/events';
import { createGrpcClient, createPool, readConfig, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, stack, waitFor, type CollectedRecord, type RecordCollector } from '@liaison/testkit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startCustomerService, type RunningCustomerService } from '../src/app';
import { settings } from '../src/config';
import { callerMetadata } from './support';

// CUS-11/CUS-19 against the real stack: the customer service in-process with its projection
// consumer, events published to Kafka the way the sales pipeline and the service desk will
// (protobuf of proto/liaison/events/v1, CloudEvents binary headers, key = customer id), and the
// 360 view and timeline read back over gRPC.

const { CustomerKind } = customerV1;
const { CustomerValueGrade: Grade, CreditRiskLevel: Level } = customerViewV1;
const DAY = 86_400_000;
// A group of its own per run: it starts at the newest events, so no earlier run's backlog.
const GROUP = `customer-projections-it-${randomUUID()}`;

let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let views: customerViewV1.CustomerViewServiceClient;
let pool: Pool;
let kafka: Kafka;
let producer: Producer;
let customerEvents: RecordCollector;
let deadLetters: RecordCollector;

const as = callerMetadata;

const createCustomer = async (username: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name, kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...extra }),
      await as(username),
    )
  ).customer!;

const get360 = async (username: string, customerId: string) =>
  (await unary(views.getCustomer360.bind(views), { customerId }, await as(username))).view!;

const timeline = async (username: string, customerId: string, pageSize = 200, pageToken = '') =>
  unary(views.getCustomerTimeline.bind(views), { customerId, page: { pageSize, pageToken } }, await as(username));

const cny = (yuan: number) => ({ minorUnits: Math.round(yuan * 100), currencyCode: 'CNY' });
const ago = (ms: number) => new Date(Date.now() - ms);

interface Publish {
  id?: string;
  key: string;
  source?: string;
  partition?: number;
  value?: Buffer;
}

// The topic of the service that publishes each event type: sales and service events come from
// their services, the rest from the customer service itself.
function producerTopicOf(type: EventType<unknown>): string {
  const name = type.type.split('.').pop()!;
  if (/^(Order|Payment|Receivable|Opportunity)/.test(name)) return Topics.sales;
  if (/^ServiceRequest/.test(name)) return Topics.service;
  return Topics.customer;
}

/** Publishes one event as its producer would: protobuf value, CloudEvents headers, key = customer id. */
async function publish<T>(type: EventType<T>, payload: Partial<T>, options: Publish): Promise<string> {
  const topic = producerTopicOf(type as EventType<unknown>);
  const id = options.id ?? randomUUID();
  const value = options.value ?? Buffer.from(type.codec.encode(type.codec.fromPartial(payload)).finish());
  const headers = cloudEventHeaders({
    id,
    type: type.type,
    source: options.source ?? `liaison.${topic.split('.')[1]}`,
    time: new Date(),
    subject: options.key,
  });
  await producer.send({ topic, acks: -1, messages: [{ key: options.key, value, headers, partition: options.partition }] });
  return id;
}

const handled = async (eventIds: string[]) => {
  const { rows } = await pool.query<{ event_id: string }>('SELECT event_id FROM inbox WHERE consumer_group = $1 AND event_id = ANY($2)', [
    GROUP,
    eventIds,
  ]);
  return new Set(rows.map((row) => row.event_id));
};

/**
 * A new group only sees events published after it has been given its partitions, so probes (for
 * a customer nobody has) go to every partition until each one has been through the inbox.
 */
async function waitUntilProjectionConsumes(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const metadata = await waitFor(
    'the projected topics',
    () => admin.fetchTopicMetadata({ topics: [Topics.sales, Topics.service, Topics.customer] }).catch(() => undefined),
    30_000,
    500,
  );
  await admin.disconnect();
  let pending = metadata.topics.flatMap((topic) =>
    topic.partitions.map((partition) => ({ topic: topic.name, partition: partition.partitionId })),
  );
  const probe = { customerId: randomUUID(), requestId: 'probe' };
  await waitFor(
    'the projection to consume every partition',
    async () => {
      const sent = await Promise.all(
        pending.map(async (target) => {
          const type =
            target.topic === Topics.sales
              ? EventTypes.OpportunityClosed
              : target.topic === Topics.service
                ? EventTypes.ServiceRequestClosed
                : EventTypes.FollowUpDeleted;
          const payload = { ...probe, opportunityId: 'probe', followUpId: 'probe' };
          return { target, id: await publish(type as EventType<unknown>, payload, { key: probe.customerId, partition: target.partition }) };
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const done = await handled(sent.map((entry) => entry.id));
      pending = sent.filter((entry) => !done.has(entry.id)).map((entry) => entry.target);
      return pending.length === 0;
    },
    60_000,
    0,
  );
}

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_360_it');
  service = await startCustomerService(
    readConfig(settings, {
      SERVICE_NAME: 'customer-360-it',
      LOG_LEVEL: 'error',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      PROJECTIONS_GROUP_ID: GROUP,
      POOL_RULE_INTERVAL_MS: '0',
    }),
  );
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  views = createGrpcClient(customerViewV1.CustomerViewServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerViewService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
  kafka = new Kafka({ clientId: 'customer-360-it', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await waitUntilProjectionConsumes();
  [customerEvents, deadLetters] = await Promise.all([collectRecords([Topics.customer]), collectRecords([`${Topics.sales}.dlq`], true)]);
}, 120_000);

afterAll(async () => {
  customers?.close();
  views?.close();
  await customerEvents?.stop();
  await deadLetters?.stop();
  await producer?.disconnect();
  await pool?.end();
  await service?.host.stop();
});

/** Waits until the projection has handled these events (and, being in order per key, those before them). */
const waitForProjection = (eventIds: string[]) =>
  waitFor(`the projection to handle ${eventIds.length} event(s)`, async () => (await handled(eventIds)).size === eventIds.length, 30_000);

const recordsOf = (customerId: string, type: EventType<unknown>): CollectedRecord[] =>
  customerEvents.records.filter((record) => record.key === customerId && record.headers.ce_type === type.type);

const chinaYear = (time: Date) => new Date(time.getTime() + 8 * 3_600_000).getUTCFullYear();

describe('customer 360 projection against the real stack', () => {
  let tradingCustomer: customerV1.Customer;

  beforeAll(async () => {
    tradingCustomer = await createCustomer('rep.east.1', `杭州西湖精密机械有限公司 ${Date.now()}`, { creditLimit: cny(500_000) });
  });

  it('projects orders, payments, balances, opportunities and service requests into the 360 figures', async () => {
    const key = tradingCustomer.id;
    const recentOrderAt = ago(2 * DAY);
    const oldOrderAt = ago(400 * DAY);
    const ids = [
      await publish(
        EventTypes.OrderPlaced,
        { orderId: `o1-${key}`, customerId: key, amount: cny(300_000), placedAt: recentOrderAt, orderNumber: 'SO-2026-0001' },
        { key },
      ),
      await publish(EventTypes.OrderPlaced, { orderId: `o2-${key}`, customerId: key, amount: cny(20_000), placedAt: oldOrderAt }, { key }),
      // The cancellation overtakes its order: the order must still never count.
      await publish(
        EventTypes.OrderCancelled,
        { orderId: `o3-${key}`, customerId: key, cancelledAt: ago(DAY), reason: '客户预算取消' },
        { key },
      ),
      await publish(
        EventTypes.OrderPlaced,
        { orderId: `o3-${key}`, customerId: key, amount: cny(50_000), placedAt: ago(3 * DAY) },
        { key },
      ),
      await publish(
        EventTypes.PaymentReceived,
        { paymentId: `p1-${key}`, customerId: key, amount: cny(100_000), receivedAt: ago(DAY), orderId: `o1-${key}` },
        { key },
      ),
      await publish(
        EventTypes.ReceivableBalanceChanged,
        { customerId: key, outstanding: cny(220_000), overdueDays: 12, asOf: ago(3_600_000) },
        { key },
      ),
      // An older balance arriving later must not overwrite the newer one.
      await publish(
        EventTypes.ReceivableBalanceChanged,
        { customerId: key, outstanding: cny(999), overdueDays: 0, asOf: ago(DAY) },
        { key },
      ),
      await publish(
        EventTypes.OpportunityOpened,
        { opportunityId: `op1-${key}`, customerId: key, name: '二期产线改造', expectedAmount: cny(800_000), openedAt: ago(5 * DAY) },
        { key },
      ),
      await publish(
        EventTypes.ServiceRequestOpened,
        { requestId: `sr1-${key}`, customerId: key, at: ago(4 * DAY), title: '设备异响，需要上门检修' },
        { key },
      ),
      await publish(EventTypes.ServiceRequestClosed, { requestId: `sr2-${key}`, customerId: key, at: ago(DAY) }, { key }),
      await publish(EventTypes.ServiceRequestOpened, { requestId: `sr2-${key}`, customerId: key, at: ago(2 * DAY) }, { key }),
    ];
    await waitForProjection(ids);

    const view = await get360('rep.east.1', key);
    const thisYear = chinaYear(new Date());
    const thisYearOrders = [
      [recentOrderAt, 300_000],
      [oldOrderAt, 20_000],
    ]
      .filter(([at]) => chinaYear(at as Date) === thisYear)
      .map(([, yuan]) => yuan as number);
    expect(view.customer?.id).toBe(key);
    expect(view.trade).toEqual({
      orderCount: 2,
      orderAmount: cny(320_000),
      orderCountThisYear: thisYearOrders.length,
      orderAmountThisYear: cny(thisYearOrders.reduce((sum, yuan) => sum + yuan, 0)),
      largestOrderAmount: cny(300_000),
      largestOrderId: `o1-${key}`,
      lastOrderTime: recentOrderAt,
    });
    expect(view.finance).toMatchObject({ received: cny(100_000), outstanding: cny(220_000), creditLimit: cny(500_000), overdueDays: 12 });
    expect(view.activity).toMatchObject({ openOpportunities: 1, totalOpportunities: 1, openServiceRequests: 1, totalServiceRequests: 2 });
    // One order of 300,000 in the last 12 months, two days ago: R 5 + F 2 + M 4 = 11/15 → 73, B.
    expect(view.value).toMatchObject({
      score: 73,
      grade: Grade.CUSTOMER_VALUE_GRADE_B,
      recencyPoints: 5,
      frequencyPoints: 2,
      monetaryPoints: 4,
      recencyDays: 2,
      ordersLast12Months: 1,
    });
    expect(view.creditRisk).toEqual({ level: Level.CREDIT_RISK_LEVEL_NONE, reasons: [] });
    expect(view.withheldSections).toEqual([]);

    const entries = (await timeline('rep.east.1', key)).entries;
    const kinds = entries.map((entry) => entry.kind);
    expect(kinds.filter((kind) => kind === 'order_placed')).toHaveLength(3);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'order_cancelled',
        'payment_received',
        'receivable_changed',
        'opportunity_opened',
        'service_request_opened',
        'service_request_closed',
      ]),
    );
    expect(entries.find((entry) => entry.refId === `sr1-${key}`)).toMatchObject({
      title: '设备异响，需要上门检修',
      section: 'service',
      sourceService: 'liaison.service',
    });
    expect(entries.find((entry) => entry.kind === 'order_cancelled')?.title).toBe(`Order o3-${key} cancelled: 客户预算取消`);
    const times = entries.map((entry) => entry.time!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("puts the customer's own milestones and follow-ups into the timeline and the follow-up figures", async () => {
    const key = tradingCustomer.id;
    const followUps = createGrpcClient(followUpV1.FollowUpServiceClient, `127.0.0.1:${service.grpcPort}`, {
      serviceName: 'liaison.customer.v1.FollowUpService',
      idempotentMethods: [],
      deadlineMs: 10_000,
    });
    const contacts = createGrpcClient(contactV1.ContactServiceClient, `127.0.0.1:${service.grpcPort}`, {
      serviceName: 'liaison.customer.v1.ContactService',
      idempotentMethods: [],
      deadlineMs: 10_000,
    });
    try {
      await unary(
        contacts.createContact.bind(contacts),
        contactV1.CreateContactRequest.fromPartial({ customerId: key, contact: { name: '王经理', title: '采购部经理', isPrimary: true } }),
        await as('rep.east.1'),
      );
      const recorded = await unary(
        followUps.createFollowUp.bind(followUps),
        followUpV1.CreateFollowUpRequest.fromPartial({
          customerId: key,
          method: followUpV1.FollowUpMethod.FOLLOW_UP_METHOD_VISIT,
          content: '上门拜访王经理，确认二期产线改造的预算和时间表',
        }),
        await as('rep.east.1'),
      );
      const followUpId = recorded.followUp!.id;
      const entry = await waitFor('the follow-up in the timeline', async () =>
        (await timeline('rep.east.1', key)).entries.find((item) => item.refId === followUpId),
      );
      expect(entry).toMatchObject({
        kind: 'follow_up_recorded',
        section: 'follow_ups',
        title: '上门拜访王经理，确认二期产线改造的预算和时间表',
        sourceService: 'liaison.customer',
      });

      const view = await get360('rep.east.1', key);
      expect(view.activity).toMatchObject({ contactCount: 1, followUpCount: 1 });
      expect(view.contacts).toEqual([expect.objectContaining({ name: '王经理', title: '采购部经理', isPrimary: true })]);
      expect(view.recentFollowUps[0]).toMatchObject({
        id: followUpId,
        method: 'visit',
        content: '上门拜访王经理，确认二期产线改造的预算和时间表',
      });
      expect(view.value?.followUpsLast12Months).toBe(1);
      expect((await timeline('rep.east.1', key)).entries.some((item) => item.kind === 'customer_created' && item.refId === key)).toBe(true);
    } finally {
      followUps.close();
      contacts.close();
    }
  });

  it("counts an event delivered twice (same ce_id) once, and a producer's retry of a payment (same payment id) once", async () => {
    const key = tradingCustomer.id;
    const before = (await get360('rep.east.1', key)).finance!.received!.minorUnits;
    const payment = { paymentId: `p2-${key}`, customerId: key, amount: cny(5_000), receivedAt: ago(3_600_000) };
    const eventId = await publish(EventTypes.PaymentReceived, payment, { key });
    await publish(EventTypes.PaymentReceived, payment, { key, id: eventId });
    const retryId = await publish(EventTypes.PaymentReceived, payment, { key });
    await waitForProjection([eventId, retryId]);
    const view = await get360('rep.east.1', key);
    expect(view.finance!.received!.minorUnits - before).toBe(cny(5_000).minorUnits);
    const entries = (await timeline('rep.east.1', key)).entries.filter((entry) => entry.refId === payment.paymentId);
    expect(entries).toHaveLength(1);
    const { rows } = await pool.query('SELECT count(*) FROM inbox WHERE consumer_group = $1 AND event_id = $2', [GROUP, eventId]);
    expect(Number(rows[0].count)).toBe(1);
  });

  it('dead-letters poison events and keeps projecting the events behind them', async () => {
    const key = tradingCustomer.id;
    const before = (await get360('rep.east.1', key)).trade!.orderCount;
    const undecodable = await publish(EventTypes.OrderPlaced, {}, { key, value: Buffer.from([0xff, 0xff, 0xff, 0x0f]) });
    const foreignCurrency = await publish(
      EventTypes.OrderPlaced,
      { orderId: `usd-${key}`, customerId: key, amount: { minorUnits: 100, currencyCode: 'USD' }, placedAt: new Date() },
      { key },
    );
    const behind = await publish(
      EventTypes.OrderPlaced,
      { orderId: `o4-${key}`, customerId: key, amount: cny(1_000), placedAt: new Date() },
      { key },
    );
    await waitForProjection([behind]);
    expect((await get360('rep.east.1', key)).trade!.orderCount).toBe(before + 1);

    const dead = await waitFor('both poison events in the dead-letter topic', async () => {
      // Other projection groups on the topic dead-letter the same poison, each under its own name.
      const found = deadLetters.records.filter(
        (record) => [undecodable, foreignCurrency].includes(record.headers.ce_id) && record.headers['x-consumer-group'] === GROUP,
      );
      return found.length === 2 ? found : undefined;
    });
    const byId = new Map(dead.map((record) => [record.headers.ce_id, record]));
    expect(byId.get(undecodable)!.headers).toMatchObject({
      'x-original-topic': Topics.sales,
      'x-consumer-group': GROUP,
      'x-attempts': '0',
    });
    expect(byId.get(foreignCurrency)!.headers['x-error']).toMatch(/USD.*accounted in CNY/);
    expect(Number(byId.get(foreignCurrency)!.headers['x-attempts'])).toBeGreaterThan(1);
    const { rowCount } = await pool.query("SELECT 1 FROM customer_facts WHERE kind = 'order' AND ref_id = $1", [`usd-${key}`]);
    expect(rowCount).toBe(0);
  });

  it('emits CustomerValueChanged once per grade change and CreditRisk events when the level moves', async () => {
    const customer = await createCustomer('rep.east.1', `宁波港口物流 ${Date.now()}`, { creditLimit: cny(100_000) });
    const key = customer.id;
    const bigOrder = { orderId: `big-${key}`, customerId: key, amount: cny(1_200_000), placedAt: new Date() };
    const orderEvent = await publish(EventTypes.OrderPlaced, bigOrder, { key });
    await publish(EventTypes.OrderPlaced, bigOrder, { key, id: orderEvent });
    const payment = await publish(EventTypes.PaymentReceived, { paymentId: `pay-${key}`, customerId: key, amount: cny(10_000) }, { key });
    const overLimit = await publish(
      EventTypes.ReceivableBalanceChanged,
      { customerId: key, outstanding: cny(150_000), overdueDays: 0, asOf: ago(60_000) },
      { key },
    );
    await waitForProjection([orderEvent, payment, overLimit]);
    const risky = await get360('rep.east.1', key);
    expect(risky.value).toMatchObject({ score: 80, grade: Grade.CUSTOMER_VALUE_GRADE_A });
    expect(risky.creditRisk).toEqual({ level: Level.CREDIT_RISK_LEVEL_HIGH, reasons: ['over_credit_limit'] });

    const settled = await publish(
      EventTypes.ReceivableBalanceChanged,
      { customerId: key, outstanding: cny(50_000), overdueDays: 45, asOf: new Date() },
      { key },
    );
    await waitForProjection([settled]);
    expect((await get360('rep.east.1', key)).creditRisk).toEqual({
      level: Level.CREDIT_RISK_LEVEL_WATCH,
      reasons: ['overdue_over_30_days'],
    });

    const lowered = await waitFor('the value and risk events', async () =>
      recordsOf(key, EventTypes.CreditRiskLowered as EventType<unknown>).length === 1 ? true : undefined,
    );
    expect(lowered).toBe(true);
    const valueChanges = recordsOf(key, EventTypes.CustomerValueChanged as EventType<unknown>).map((record) =>
      EventTypes.CustomerValueChanged.codec.decode(record.value!),
    );
    expect(valueChanges).toHaveLength(1);
    expect(valueChanges[0]).toMatchObject({
      customerId: key,
      from: Grade.CUSTOMER_VALUE_GRADE_D,
      to: Grade.CUSTOMER_VALUE_GRADE_A,
      value: { score: 80, grade: Grade.CUSTOMER_VALUE_GRADE_A },
    });
    const raised = recordsOf(key, EventTypes.CreditRiskRaised as EventType<unknown>).map((record) =>
      EventTypes.CreditRiskRaised.codec.decode(record.value!),
    );
    expect(raised).toEqual([
      expect.objectContaining({
        customerId: key,
        from: Level.CREDIT_RISK_LEVEL_NONE,
        to: Level.CREDIT_RISK_LEVEL_HIGH,
        reasons: ['over_credit_limit'],
        outstanding: cny(150_000),
        creditLimit: cny(100_000),
        overdueDays: 0,
      }),
    ]);
    const loweredEvent = EventTypes.CreditRiskLowered.codec.decode(
      recordsOf(key, EventTypes.CreditRiskLowered as EventType<unknown>)[0].value!,
    );
    expect(loweredEvent).toMatchObject({
      from: Level.CREDIT_RISK_LEVEL_HIGH,
      to: Level.CREDIT_RISK_LEVEL_WATCH,
      reasons: ['overdue_over_30_days'],
    });
    for (const record of recordsOf(key, EventTypes.CustomerValueChanged as EventType<unknown>)) {
      expect(record.headers).toMatchObject({ ce_source: 'liaison.customer', ce_subject: key });
    }
  });

  it("rescores the credit risk when the customer's credit limit changes", async () => {
    const customer = await createCustomer('rep.east.1', `苏州工业园区电子 ${Date.now()}`, { creditLimit: cny(100_000) });
    const key = customer.id;
    await waitForProjection([
      await publish(EventTypes.ReceivableBalanceChanged, { customerId: key, outstanding: cny(80_000), overdueDays: 0 }, { key }),
    ]);
    expect((await get360('rep.east.1', key)).creditRisk?.level).toBe(Level.CREDIT_RISK_LEVEL_NONE);
    await unary(
      customers.updateCustomer.bind(customers),
      customerV1.UpdateCustomerRequest.fromPartial({
        id: key,
        expectedVersion: customer.version,
        customer: { creditLimit: cny(50_000) },
        updateMask: ['credit_limit'],
      }),
      await as('rep.east.1'),
    );
    const view = await waitFor('the lowered limit to raise the risk', async () => {
      const current = await get360('rep.east.1', key);
      return current.creditRisk?.level === Level.CREDIT_RISK_LEVEL_HIGH ? current : undefined;
    });
    expect(view.finance).toMatchObject({ creditLimit: cny(50_000), outstanding: cny(80_000) });
    expect(view.creditRisk?.reasons).toEqual(['over_credit_limit']);
  });

  it('scopes the 360 view like the customer: not_found outside the scope, never its data', async () => {
    const key = tradingCustomer.id;
    for (const user of ['rep.east.2', 'manager.west', 'rep.west.1', 'partner.acme']) {
      await expect(get360(user, key)).rejects.toMatchObject({ code: 'not_found' });
      await expect(timeline(user, key)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const user of ['rep.east.1', 'manager.east', 'director', 'admin']) {
      const view = await get360(user, key);
      expect({ user, withheld: view.withheldSections, orders: view.trade?.orderCount }).toEqual({
        user,
        withheld: [],
        orders: expect.any(Number),
      });
    }
  });

  it('withholds the sections a role may not read, in the view and in the timeline', async () => {
    const key = tradingCustomer.id;
    const agent = await get360('service.agent', key);
    expect(agent.withheldSections).toEqual(['trade', 'finance', 'value']);
    expect(agent).toMatchObject({ trade: undefined, finance: undefined, value: undefined, creditRisk: undefined });
    expect(agent.activity?.totalServiceRequests).toBe(2);
    expect(agent.contacts.length).toBeGreaterThan(0);
    const analyst = await get360('analyst', key);
    expect(analyst.withheldSections).toEqual(['follow_ups']);
    expect(analyst.recentFollowUps).toEqual([]);
    expect(analyst.trade?.orderCount).toBeGreaterThan(0);

    const agentTimeline = await timeline('service.agent', key);
    expect(agentTimeline.withheldSections).toEqual(['trade', 'finance']);
    expect(agentTimeline.entries.length).toBeGreaterThan(0);
    expect(agentTimeline.entries.every((entry) => !['trade', 'finance'].includes(entry.section))).toBe(true);
    expect((await timeline('analyst', key)).entries.some((entry) => entry.section === 'follow_ups')).toBe(false);
  });

  it('pages the timeline newest first with a cursor bound to the customer', async () => {
    const key = tradingCustomer.id;
    const all = (await timeline('rep.east.1', key)).entries.map((entry) => entry.id);
    const paged: string[] = [];
    let token = '';
    do {
      const page = await timeline('rep.east.1', key, 3, token);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      paged.push(...page.entries.map((entry) => entry.id));
      token = page.page?.nextPageToken ?? '';
    } while (token);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThan(6);

    const firstPage = await timeline('rep.east.1', key, 2);
    const other = await createCustomer('rep.east.1', `另一个客户 ${Date.now()}`);
    await expect(timeline('rep.east.1', other.id, 2, firstPage.page!.nextPageToken)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(timeline('rep.east.1', key, 2, 'garbage')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(timeline('rep.east.1', key, 500)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('answers a customer without any events with zero figures, grade D and no risk', async () => {
    const quiet = await createCustomer('rep.west.1', `成都新客户 ${Date.now()}`);
    const view = await get360('rep.west.1', quiet.id);
    expect(view.trade).toMatchObject({ orderCount: 0, orderAmount: cny(0), largestOrderId: '' });
    expect(view.value).toMatchObject({ score: 0, grade: Grade.CUSTOMER_VALUE_GRADE_D, recencyDays: -1 });
    expect(view.creditRisk?.level).toBe(Level.CREDIT_RISK_LEVEL_NONE);
    expect(view.contacts).toEqual([]);
  });

  it('rejects malformed ids and callers without a token', async () => {
    await expect(get360('admin', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(timeline('admin', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(get360('admin', randomUUID())).rejects.toMatchObject({ code: 'not_found' });
    await expect(unary(views.getCustomer360.bind(views), { customerId: tradingCustomer.id })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });
});
