import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { EventConsumer, applyEventsMigrations } from '@liaison/events';
import { createPool, type Pool } from '@liaison/runtime';
import { ensureDatabase, stack, stackCommand, userToken, waitFor } from '@liaison/testkit';
import { startPlatform, type Platform } from './platform';

// Kafka goes away while reps keep creating customers. Writes must keep succeeding (the outbox
// holds the events), and once Kafka is back every event arrives and a consumer's effects
// happen exactly once, even though delivery itself is at-least-once.

const CUSTOMERS_DURING_OUTAGE = 12;
let platform: Platform;
let consumerPool: Pool;
let consumer: EventConsumer;

beforeAll(async () => {
  await stackCommand('up', 'kafka');
  platform = await startPlatform('customer_fault');
  consumerPool = createPool(await ensureDatabase('fault_consumer'));
  await applyEventsMigrations(consumerPool);
  await consumerPool.query('CREATE TABLE IF NOT EXISTS customer_effects (customer_id uuid PRIMARY KEY, applied integer NOT NULL)');
  await consumerPool.query('TRUNCATE customer_effects'); // each run is a new consumer group
  const kafka = new Kafka({ clientId: 'fault-consumer', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const groupId = `fault-consumer-${randomUUID()}`;
  await startGroupAtEnd(kafka, groupId, 'liaison.customer.v1');
  consumer = new EventConsumer({
    kafka,
    groupId,
    topics: ['liaison.customer.v1'],
    fromBeginning: false,
    pool: consumerPool,
    logger: pino({ level: 'silent' }),
    // Counting instead of upserting a flag makes a double delivery visible as applied = 2.
    handler: async (event, tx) => {
      if (event.type !== 'liaison.events.v1.CustomerCreated') return;
      await tx.query(
        `INSERT INTO customer_effects (customer_id, applied) VALUES ($1, 1)
         ON CONFLICT (customer_id) DO UPDATE SET applied = customer_effects.applied + 1`,
        [event.subject],
      );
    },
  });
  await consumer.start();
});

afterAll(async () => {
  await stackCommand('up', 'kafka'); // never leave the stack broken for what runs next
  await consumer?.stop();
  await consumerPool?.end();
  await platform?.stop();
});

/**
 * Commits the group's offsets at the current end of every partition before it first joins. The
 * shared topic keeps every earlier run's events, too many to replay; and a new group left to
 * "latest" would, when it rejoins after the outage, skip whatever the relay published on
 * partitions where it had not committed anything yet.
 */
async function startGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })) });
  } finally {
    await admin.disconnect();
  }
}

async function createCustomer(name: string): Promise<string> {
  const response = await fetch(`${platform.baseUrl}/customers`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${await userToken('rep.east.1')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind: 'company' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

it('delivers every event created during a Kafka outage, with effects applied exactly once', async () => {
  // The consumer only sees events published after its group got partitions; keep creating
  // customers until one arrives, so the outage starts with the consumer really consuming.
  const probes: string[] = [];
  await waitFor(
    'the consumer to receive events',
    async () => {
      probes.push(await createCustomer(`停机前的客户 ${probes.length}`));
      const { rowCount } = await consumerPool.query('SELECT 1 FROM customer_effects WHERE customer_id = ANY($1::uuid[])', [probes]);
      return (rowCount ?? 0) > 0;
    },
    90_000,
    1000,
  );

  await stackCommand('down', 'kafka');
  const duringOutage: string[] = [];
  for (let i = 0; i < CUSTOMERS_DURING_OUTAGE; i += 1) duringOutage.push(await createCustomer(`停机期间的客户 ${i}`));
  await stackCommand('up', 'kafka');

  const ids = duringOutage;
  const applied = await waitFor(
    'all effects after Kafka returned',
    async () => {
      const { rows } = await consumerPool.query<{ customer_id: string; applied: number }>(
        'SELECT customer_id, applied FROM customer_effects WHERE customer_id = ANY($1::uuid[])',
        [ids],
      );
      return rows.length === ids.length ? rows : undefined;
    },
    180_000,
    1000,
  );
  expect(applied.filter((row) => row.applied !== 1)).toEqual([]);
});
