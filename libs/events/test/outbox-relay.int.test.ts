import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { EventTypes, eventsV1 } from '@liaison/contracts';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { OutboxRelay, PgOutboxStore, type OutboxBatch, type OutboxRelayOptions, type OutboxStore } from '../src';
import {
  createTestSchema,
  outboxOn,
  header,
  inTransaction,
  logger,
  metricValue,
  pause,
  SwitchableNetwork,
  testKafka,
  TopicReader,
  uniqueTopic,
  waitFor,
  type TestSchema,
} from './support';

function customer(id: string, name = '上海华东精密机械有限公司'): eventsV1.CustomerCreated {
  return eventsV1.CustomerCreated.fromPartial({ customer: { id, name, version: 1 } });
}

describe('OutboxRelay against PostgreSQL and Kafka', () => {
  let kafka: Kafka;
  let db: TestSchema;
  let topic: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    kafka = testKafka();
  });

  afterAll(() => {
    context.disable();
    propagation.disable();
  });

  beforeEach(async () => {
    db = await createTestSchema();
    topic = uniqueTopic();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db?.drop();
  });

  function startRelay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const relay = new OutboxRelay({ pool: db.pool, kafka, logger, standbyPollMs: 200, ...options });
    relay.start();
    cleanups.push(() => relay.stop());
    return relay;
  }

  async function startReader(): Promise<TopicReader> {
    const reader = await TopicReader.start(kafka, [topic]);
    cleanups.push(() => reader.stop());
    return reader;
  }

  function append(aggregateId: string, outcome: 'commit' | 'rollback' = 'commit'): Promise<string> {
    return inTransaction(
      db.pool,
      async (tx) =>
        (await outboxOn(topic).append(tx, [{ type: EventTypes.CustomerCreated, aggregateId, payload: customer(aggregateId) }]))[0],
      outcome,
    );
  }

  async function outboxRows(): Promise<{ event_id: string; published_at: Date | null; attempts: number; last_error: string | null }[]> {
    return (await db.pool.query('SELECT event_id, published_at, attempts, last_error FROM outbox ORDER BY id')).rows;
  }

  it('publishes a committed event keyed by aggregate, with CloudEvents headers, trace context and a decodable payload', async () => {
    const registry = new Registry();
    const reader = await startReader();
    const time = new Date('2025-03-01T08:30:00.123Z');
    const origin = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    const [eventId] = await context.with(trace.setSpanContext(ROOT_CONTEXT, origin), () =>
      inTransaction(db.pool, (tx) =>
        outboxOn(topic).append(tx, [{ type: EventTypes.CustomerCreated, aggregateId: 'c-42', payload: customer('c-42'), time }]),
      ),
    );
    startRelay({ registry });

    const [record] = await reader.waitForCount(1);
    expect(record.message.key?.toString()).toBe('c-42');
    expect(Object.fromEntries(Object.entries(record.message.headers ?? {}).map(([name, value]) => [name, value?.toString()]))).toEqual({
      'ce_specversion': '1.0',
      'ce_id': eventId,
      'ce_source': 'liaison.customer',
      'ce_type': 'liaison.events.v1.CustomerCreated',
      'ce_time': '2025-03-01T08:30:00.123Z',
      'ce_subject': 'c-42',
      'content-type': 'application/protobuf',
      'traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(eventsV1.CustomerCreated.decode(record.message.value!).customer?.name).toBe('上海华东精密机械有限公司');
    await waitFor(async () => (await outboxRows())[0].published_at, 'published_at to be set');
    expect(await metricValue(registry, 'events_published_total', { topic, type: 'liaison.events.v1.CustomerCreated' })).toBe(1);
    expect(await metricValue(registry, 'outbox_relay_leader')).toBe(1);
  });

  it('is woken by NOTIFY on commit instead of waiting for the next poll', async () => {
    const reader = await startReader();
    const relay = startRelay({ pollIntervalMs: 60_000 });
    await waitFor(() => relay.isLeader, 'the relay to lead');
    await pause(300); // let it finish its first, empty poll and go to sleep for a minute
    const started = Date.now();
    const eventId = await append('c-1');
    await reader.waitForCount(1, 10_000);
    expect(header(reader.records[0], 'ce_id')).toBe(eventId);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('publishes nothing from a rolled-back transaction', async () => {
    const reader = await startReader();
    startRelay();
    const rolledBack = await append('c-rolled-back', 'rollback');
    const committed = await append('c-committed');
    await reader.waitForCount(1);
    await pause(500);
    expect(reader.ceIds()).toEqual([committed]);
    expect(reader.ceIds()).not.toContain(rolledBack);
    expect(await outboxRows()).toHaveLength(1);
  });

  it('keeps the order of one aggregate across many batches', async () => {
    const reader = await startReader();
    const appended: string[] = [];
    for (let index = 0; index < 25; index++) appended.push(await append('c-ordered'));
    startRelay({ batchSize: 4 });
    await reader.waitForCount(25);
    expect(new Set(reader.records.map((record) => record.partition)).size).toBe(1);
    expect(reader.ceIds()).toEqual(appended);
  });

  it('runs one active relay per database: the other stands by, then takes over when it stops', async () => {
    const reader = await startReader();
    const registries = [new Registry(), new Registry()];
    const relays = registries.map((registry) => startRelay({ registry }));
    await waitFor(() => relays.some((relay) => relay.isLeader), 'a leader');
    await pause(500);
    const leaderIndex = relays.findIndex((relay) => relay.isLeader);
    const standbyIndex = 1 - leaderIndex;
    expect(relays[standbyIndex].isLeader).toBe(false);

    const firstWave = await Promise.all(Array.from({ length: 30 }, (_, index) => append(`c-${index}`)));
    await reader.waitForCount(30);
    await pause(500);
    expect(reader.ceIds().sort()).toEqual([...firstWave].sort());
    expect(await metricValue(registries[leaderIndex], 'events_published_total')).toBe(30);
    expect(await metricValue(registries[standbyIndex], 'events_published_total')).toBe(0);
    expect(await metricValue(registries[standbyIndex], 'outbox_relay_leader')).toBe(0);

    await relays[leaderIndex].stop();
    await waitFor(() => relays[standbyIndex].isLeader, 'the standby to take over', 10_000);
    const secondWave = await Promise.all(Array.from({ length: 5 }, (_, index) => append(`c-late-${index}`)));
    await reader.waitForCount(35);
    await pause(500);
    expect(reader.ceIds().sort()).toEqual([...firstWave, ...secondWave].sort());
    expect(await metricValue(registries[standbyIndex], 'events_published_total')).toBe(5);
  });

  it('publishes on start what was committed while no relay ran', async () => {
    const reader = await startReader();
    const relay = startRelay();
    const before = await append('c-1');
    await reader.waitForCount(1);
    await relay.stop();
    const whileStopped = [await append('c-1'), await append('c-1')];
    await pause(500);
    expect(reader.records).toHaveLength(1);

    startRelay();
    await reader.waitForCount(3);
    expect(reader.ceIds()).toEqual([before, ...whileStopped]);
  });

  it('publishes what is left when stopped, before stepping down', async () => {
    const reader = await startReader();
    // Deaf to NOTIFY and polling once a minute: only the flush in stop() can publish.
    const deafStore: OutboxStore = Object.assign(Object.create(new PgOutboxStore(db.pool)) as OutboxStore, {
      onNewEvents: () => undefined,
    });
    const relay = startRelay({ store: deafStore, pollIntervalMs: 60_000 });
    await waitFor(() => relay.isLeader, 'the relay to lead');
    await pause(300);
    const pending = [await append('c-1'), await append('c-1')];
    await pause(500);
    expect(reader.records).toHaveLength(0);

    await relay.stop();
    expect((await outboxRows()).every((row) => row.published_at)).toBe(true);
    expect(relay.isLeader).toBe(false);
    await reader.waitForCount(2);
    expect(reader.ceIds()).toEqual(pending);
  });

  it('sends again, in order, what reached Kafka but was not marked published (at least once)', async () => {
    const reader = await startReader();
    const pgStore = new PgOutboxStore(db.pool);
    let crashesLeft = 1;
    // As if the relay died between Kafka's ack and the commit of published_at.
    const crashingStore: OutboxStore = Object.assign(Object.create(pgStore) as OutboxStore, {
      async markPublished(batch: OutboxBatch) {
        if (crashesLeft-- <= 0) return pgStore.markPublished(batch);
        await pgStore.markFailed(batch, new Error('relay crashed before marking'));
        throw new Error('relay crashed before marking');
      },
    });
    const first = await append('c-1');
    const second = await append('c-1');
    startRelay({ store: crashingStore, initialBackoffMs: 50 });

    await reader.waitForCount(4);
    expect(reader.ceIds()).toEqual([first, second, first, second]);
    await waitFor(async () => (await outboxRows()).every((row) => row.published_at), 'rows marked published');
    expect((await outboxRows()).map((row) => row.attempts)).toEqual([1, 1]);
  });

  it('survives a Kafka outage: records the failures, backs off, and delivers everything once the broker is back', async () => {
    const reader = await startReader();
    const network = await SwitchableNetwork.create();
    const registry = new Registry();
    const relay = startRelay({
      kafka: testKafka({ socketFactory: network.socketFactory, connectionTimeout: 1_000, retry: { retries: 1, initialRetryTime: 100 } }),
      registry,
      initialBackoffMs: 100,
      maxBackoffMs: 1_000,
      lagRefreshMs: 0,
      producerRetry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    });
    const beforeOutage = await append('c-1');
    await reader.waitForCount(1);

    network.cut();
    const duringOutage = [await append('c-1'), await append('c-1')];
    await waitFor(async () => (await outboxRows())[1].attempts >= 2, 'repeated failed attempts', 30_000);
    await pause(3_000);
    const rows = await outboxRows();
    expect(rows[1].published_at).toBeNull();
    expect(rows[1].last_error).toBeTruthy();
    expect(await metricValue(registry, 'events_publish_failures_total')).toBeGreaterThanOrEqual(2);
    expect(await metricValue(registry, 'outbox_unpublished_events')).toBe(2);
    expect(await metricValue(registry, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThan(0);
    expect(relay.isLeader).toBe(true);

    network.restore();
    await waitFor(() => duringOutage.every((id) => reader.ceIds().includes(id)), 'the events from the outage', 30_000);
    await waitFor(async () => (await outboxRows()).every((row) => row.published_at), 'rows marked published');
    expect(reader.ceIds().filter((id) => id === beforeOutage)).toHaveLength(1);
    expect([...new Set(reader.ceIds())]).toEqual([beforeOutage, ...duringOutage]);
  });
});
