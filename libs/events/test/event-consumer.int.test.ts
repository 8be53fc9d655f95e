import { randomUUID } from 'node:crypto';
import { EventTypes, eventsV1 } from '@liaison/contracts';
import type { Kafka, Message } from 'kafkajs';
import type { PoolClient } from 'pg';
import { Registry } from 'prom-client';
import { cloudEventHeaders, EventConsumer, type EventConsumerOptions, type ReceivedEvent } from '../src';
import {
  createTestSchema,
  header,
  logger,
  metricValue,
  pause,
  produce,
  randomSuffix,
  testKafka,
  TopicReader,
  uniqueTopic,
  waitFor,
  type TestSchema,
} from './support';

/** A CustomerCreated record as the relay writes it, pinned to partition 0 so offsets are predictable. */
function customerCreatedRecord(eventId: string, customerId = 'c-1', extraHeaders: Record<string, string> = {}): Message {
  const payload = eventsV1.CustomerCreated.encode(
    eventsV1.CustomerCreated.fromPartial({ customer: { id: customerId, name: '北方重工' } }),
  ).finish();
  const headers = cloudEventHeaders(
    { id: eventId, source: 'liaison.customer', type: EventTypes.CustomerCreated.type, time: new Date(), subject: customerId },
    extraHeaders,
  );
  return { partition: 0, key: customerId, value: Buffer.from(payload), headers };
}

describe('EventConsumer against PostgreSQL and Kafka', () => {
  let kafka: Kafka;
  let db: TestSchema;
  let topic: string;
  let groupId: string;
  let registry: Registry;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  beforeEach(async () => {
    db = await createTestSchema();
    await db.pool.query('CREATE TABLE effects (event_id text NOT NULL, customer_id text NOT NULL)');
    topic = uniqueTopic();
    groupId = `analytics-${randomSuffix()}`;
    registry = new Registry();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db?.drop();
  });

  async function startConsumer(
    handler: EventConsumerOptions['handler'],
    options: Partial<EventConsumerOptions> = {},
  ): Promise<EventConsumer> {
    const consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      pool: db.pool,
      logger,
      registry,
      handler,
      fromBeginning: true,
      backoffMs: 20,
      consumerConfig: { maxWaitTimeInMs: 100 },
      ...options,
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());
    return consumer;
  }

  async function startReader(topics: string[]): Promise<TopicReader> {
    const reader = await TopicReader.start(kafka, topics);
    cleanups.push(() => reader.stop());
    return reader;
  }

  /** The handler's database write, part of the inbox transaction. */
  async function recordEffect(event: ReceivedEvent, tx: PoolClient): Promise<void> {
    const customer = (event.payload as eventsV1.CustomerCreated).customer;
    await tx.query('INSERT INTO effects (event_id, customer_id) VALUES ($1, $2)', [event.id, customer?.id]);
  }

  async function effects(): Promise<{ event_id: string; customer_id: string }[]> {
    return (await db.pool.query('SELECT event_id, customer_id FROM effects ORDER BY event_id')).rows;
  }

  function handledCount(outcome: string): Promise<number> {
    return metricValue(registry, 'events_consumed_total', { group: groupId, topic, outcome });
  }

  async function committedOffset(): Promise<string | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets.partitions.find((partition) => partition.partition === 0)?.offset;
    } finally {
      await admin.disconnect();
    }
  }

  it('handles a redelivered event (same ce_id) once', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await startConsumer(recordEffect);
    await produce(kafka, topic, [
      customerCreatedRecord(first, 'c-1'),
      customerCreatedRecord(first, 'c-1'),
      customerCreatedRecord(second, 'c-2'),
    ]);

    await waitFor(async () => (await handledCount('ok')) === 2 && (await handledCount('duplicate')) === 1, 'two handled and one duplicate');
    expect(await effects()).toEqual(
      [
        { event_id: first, customer_id: 'c-1' },
        { event_id: second, customer_id: 'c-2' },
      ].sort((a, b) => a.event_id.localeCompare(b.event_id)),
    );
    const inbox = await db.pool.query(
      'SELECT event_id, topic, partition, "offset" FROM inbox WHERE consumer_group = $1 ORDER BY "offset"',
      [groupId],
    );
    expect(inbox.rows).toEqual([
      { event_id: first, topic, partition: 0, offset: '0' },
      { event_id: second, topic, partition: 0, offset: '2' },
    ]);
    await waitFor(async () => (await committedOffset()) === '3', 'offset 3 to be committed');
  });

  it('dead-letters an event whose handler always fails, commits it, and does not handle it again after a restart', async () => {
    const dlq = await startReader([`${topic}.dlq`]);
    const failing = randomUUID();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    let runs = 0;
    const consumer = await startConsumer(
      async (event, tx) => {
        runs += 1;
        await recordEffect(event, tx);
        throw new Error(`customer ${(event.payload as eventsV1.CustomerCreated).customer?.id} cannot be projected`);
      },
      { maxAttempts: 3 },
    );
    const original = customerCreatedRecord(failing, 'c-9', { traceparent });
    await produce(kafka, topic, [original]);

    const [dead] = await dlq.waitForCount(1);
    expect(dead.message.key?.toString()).toBe('c-9');
    expect(dead.message.value).toEqual(original.value);
    expect(header(dead, 'ce_id')).toBe(failing);
    expect(header(dead, 'ce_type')).toBe(EventTypes.CustomerCreated.type);
    expect(header(dead, 'traceparent')).toBe(traceparent);
    expect(header(dead, 'x-error')).toBe('customer c-9 cannot be projected');
    expect(header(dead, 'x-error-stack')).toContain('cannot be projected');
    expect(header(dead, 'x-original-topic')).toBe(topic);
    expect(header(dead, 'x-original-partition')).toBe('0');
    expect(header(dead, 'x-original-offset')).toBe('0');
    expect(header(dead, 'x-attempts')).toBe('3');
    expect(header(dead, 'x-consumer-group')).toBe(groupId);
    expect(runs).toBe(3);
    await waitFor(async () => (await committedOffset()) === '1', 'the dead-lettered offset to be committed');
    expect(await handledCount('dead_lettered')).toBe(1);
    expect(await effects()).toEqual([]);
    expect((await db.pool.query('SELECT 1 FROM inbox')).rowCount).toBe(0);

    await consumer.stop();
    const seen: string[] = [];
    await startConsumer(async (event, tx) => {
      seen.push(event.id);
      await recordEffect(event, tx);
    });
    const marker = randomUUID();
    await produce(kafka, topic, [customerCreatedRecord(marker, 'c-10')]);
    await waitFor(() => seen.includes(marker), 'the marker event');
    expect(seen).toEqual([marker]);
    expect(dlq.records).toHaveLength(1);
  });

  it('handles an event once when the handler fails twice and then succeeds, discarding the failed attempts', async () => {
    const eventId = randomUUID();
    let runs = 0;
    await startConsumer(
      async (event, tx) => {
        runs += 1;
        await recordEffect(event, tx);
        if (runs <= 2) throw new Error(`transient failure ${runs}`);
      },
      { maxAttempts: 5 },
    );
    await produce(kafka, topic, [customerCreatedRecord(eventId, 'c-3')]);

    await waitFor(async () => (await handledCount('ok')) === 1, 'the event to be handled');
    expect(runs).toBe(3);
    expect(await effects()).toEqual([{ event_id: eventId, customer_id: 'c-3' }]);
    expect(await handledCount('dead_lettered')).toBe(0);
    await waitFor(async () => (await committedOffset()) === '1', 'offset 1 to be committed');
  });

  it('skips unknown types, dead-letters malformed records at once, and keeps going', async () => {
    const dlq = await startReader([`${topic}.dlq`]);
    const seen: string[] = [];
    await startConsumer(async (event, tx) => {
      seen.push(event.id);
      await recordEffect(event, tx);
    });
    const fromTheFuture = customerCreatedRecord(randomUUID());
    fromTheFuture.headers = { ...fromTheFuture.headers, ce_type: 'liaison.events.v9.CustomerTeleported' };
    const withoutId = customerCreatedRecord('unused');
    delete (withoutId.headers as Record<string, string>).ce_id;
    const undecodable = { ...customerCreatedRecord(randomUUID()), value: Buffer.from([0x0a, 0x05, 0x01]) };
    const marker = randomUUID();
    await produce(kafka, topic, [fromTheFuture, withoutId, undecodable, customerCreatedRecord(marker)]);

    await waitFor(() => seen.includes(marker), 'the marker event');
    expect(seen).toEqual([marker]);
    const dead = await dlq.waitForCount(2);
    expect(dead.map((record) => [header(record, 'x-original-offset'), header(record, 'x-attempts')])).toEqual([
      ['1', '0'],
      ['2', '0'],
    ]);
    expect(header(dead[0], 'x-error')).toBe('missing ce_id header');
    expect(header(dead[1], 'x-error')).toMatch(/^undecodable liaison\.events\.v1\.CustomerCreated payload/);
    expect(await handledCount('skipped')).toBe(1);
    await waitFor(async () => (await committedOffset()) === '4', 'offset 4 to be committed');
    await pause(300);
    expect(dlq.records).toHaveLength(2);
  });
});
