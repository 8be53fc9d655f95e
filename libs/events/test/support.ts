import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Kafka, Partitioners, type Consumer, type KafkaConfig, type KafkaMessage, type Message } from 'kafkajs';
import { Client, Pool, type PoolClient } from 'pg';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { applyEventsMigrations, createOutbox, ensureTopics, kafkaLogCreator, type Outbox } from '../src';

// Silent unless asked: several tests provoke failures on purpose.
export const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const pg = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'liaison',
  password: process.env.PGPASSWORD ?? 'liaison',
};
const TEST_DATABASE = 'events_test';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

export async function ensureTestDatabase(): Promise<void> {
  const admin = new Client({ ...pg, database: 'customer' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEST_DATABASE]);
    if (rowCount === 0)
      await admin.query(`CREATE DATABASE ${TEST_DATABASE}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
  } finally {
    await admin.end();
  }
}

export interface TestSchema {
  pool: Pool;
  schema: string;
  drop(): Promise<void>;
}

/**
 * A pool whose search_path is a fresh schema with the events tables: every test starts with
 * an empty outbox and its own relay lock, and repeated runs never see each other's rows.
 */
export async function createTestSchema(): Promise<TestSchema> {
  await ensureTestDatabase();
  const schema = `events_t_${randomSuffix()}`;
  const pool = new Pool({ ...pg, database: TEST_DATABASE, options: `-c search_path=${schema}`, max: 8 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA ${schema}`);
  await applyEventsMigrations(pool);
  return {
    pool,
    schema,
    async drop() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

export async function inTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
  outcome: 'commit' | 'rollback' = 'commit',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export function testKafka(extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId: 'events-int-test', brokers: BROKERS, logCreator: kafkaLogCreator(logger), ...extra });
}

export function uniqueTopic(): string {
  return `liaison.test${randomSuffix()}.v1`;
}

/** An outbox publishing to a topic of the test's own, as a service publishes to its own. */
export function outboxOn(topic: string): Outbox {
  return createOutbox({ source: 'liaison.customer', topic });
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ReadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export function header(record: ReadRecord, name: string): string | undefined {
  return record.message.headers?.[name]?.toString();
}

/** A plain kafkajs consumer that keeps everything it reads, to check what really reached Kafka. */
export class TopicReader {
  readonly records: ReadRecord[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[]): Promise<TopicReader> {
    await ensureTopics(kafka, topics);
    // A short fetch wait keeps stop() fast: disconnect waits for the fetch in flight.
    const consumer = kafka.consumer({ groupId: `reader-${randomSuffix()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, partition, message }) => void reader.records.push({ topic, partition, message }) });
    return reader;
  }

  ceIds(): string[] {
    return this.records.map((record) => header(record, 'ce_id') ?? '');
  }

  async waitForCount(count: number, timeoutMs = 20_000): Promise<ReadRecord[]> {
    await waitFor(() => this.records.length >= count, `${count} Kafka records (have ${this.records.length})`, timeoutMs);
    return this.records;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const matching = values.filter((value) => Object.entries(labels).every(([label, expected]) => String(value.labels[label]) === expected));
  return matching.reduce((sum, value) => sum + value.value, 0);
}

/**
 * A kafkajs socket factory that can cut the client off from the broker: open sockets are
 * destroyed and new ones are refused, as when the broker is down, until restored.
 */
export class SwitchableNetwork {
  private down = false;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly closedPort: number) {}

  static async create(): Promise<SwitchableNetwork> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return new SwitchableNetwork(port);
  }

  readonly socketFactory = ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }): net.Socket => {
    const socket = net.connect({ host, port: this.down ? this.closedPort : port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy(new Error('simulated broker outage'));
  }

  restore(): void {
    this.down = false;
  }
}
