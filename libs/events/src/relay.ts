import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RetryOptions, type TopicMessages } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { cloudEventHeaders } from './cloud-events';
import { createRelayMetrics, type RelayMetrics } from './metrics';
import type { OutboxBatch, OutboxRecord, OutboxStore } from './outbox-store';
import { PgOutboxStore } from './pg-outbox-store';
import { backoffDelay, sleep, Wakeup, withJitter } from './timing';
import { NOTIFY_INTERVAL_MS } from './outbox';
import { ensureTopics, prefixedTopic, type TopicConfig } from './topics';

export interface OutboxRelayOptions {
  /** The service's pool; used for the default PgOutboxStore when no `store` is given. */
  pool?: Pool;
  store?: OutboxStore;
  kafka: Kafka;
  logger: Logger;
  registry?: Registry;
  batchSize?: number;
  /** Poll interval while idle; NOTIFY usually wakes the relay much earlier. */
  pollIntervalMs?: number;
  /**
   * Poll interval while events keep coming: writers wake the relay at most every
   * NOTIFY_INTERVAL_MS, so after a batch it looks again this soon rather than wait for a NOTIFY.
   */
  lingerMs?: number;
  /** How often a standby replica tries to take over. */
  standbyPollMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long stop() keeps publishing what is left before giving up. */
  flushTimeoutMs?: number;
  /** Topics the relay may create on first use; set `false` when topics are provisioned elsewhere. */
  topics?: TopicConfig | false;
  /** Put before each record's topic on the broker (KAFKA_TOPIC_PREFIX); none by default. */
  topicPrefix?: string;
  /** kafkajs retries within one send, before the batch counts as failed and the relay backs off. */
  producerRetry?: RetryOptions;
  /** Broker ack timeout per send. */
  sendTimeoutMs?: number;
  lagRefreshMs?: number;
}

/** The Kafka record for an outbox event: CloudEvents binary mode, keyed by aggregate. */
export function toKafkaMessage(record: OutboxRecord): Message {
  const attributes = { id: record.eventId, source: record.source, type: record.type, time: record.time, subject: record.subject };
  return { key: record.key, value: record.payload, headers: cloudEventHeaders(attributes, record.headers) };
}

/** Groups records by topic, keeping outbox order within each topic (and so within each key). */
export function toTopicMessages(records: readonly OutboxRecord[], topicPrefix = ''): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    const topic = prefixedTopic(record.topic, topicPrefix);
    const messages = byTopic.get(topic) ?? [];
    messages.push(toKafkaMessage(record));
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Publishes outbox events to Kafka, at least once and in outbox order. Replicas elect one
 * active relay through the store (a PostgreSQL advisory lock by default); the others stand by.
 */
export class OutboxRelay {
  private readonly store: OutboxStore;
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly metrics: RelayMetrics;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly standbyPollMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly flushTimeoutMs: number;
  private readonly topicConfig: TopicConfig | false;
  private readonly topicPrefix: string;
  private readonly producerRetry: RetryOptions;
  private readonly sendTimeoutMs: number;
  private readonly lagRefreshMs: number;
  private readonly wakeup = new Wakeup();
  private readonly knownTopics = new Set<string>();
  private producer?: Producer;
  private loop?: Promise<void>;
  private stopping = false;
  private abort = new AbortController();
  private leader = false;
  private failures = 0;
  private lagRefreshedAt = 0;

  constructor(options: OutboxRelayOptions) {
    if (!options.store && !options.pool) throw new Error('OutboxRelay needs a pool or a store');
    this.store = options.store ?? new PgOutboxStore(options.pool as Pool);
    this.kafka = options.kafka;
    this.logger = options.logger.child({ component: 'outbox-relay' });
    this.metrics = createRelayMetrics(options.registry);
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.lingerMs = options.lingerMs ?? NOTIFY_INTERVAL_MS;
    this.standbyPollMs = options.standbyPollMs ?? 1_000;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.flushTimeoutMs = options.flushTimeoutMs ?? 5_000;
    this.topicConfig = options.topics ?? {};
    this.topicPrefix = options.topicPrefix ?? '';
    this.producerRetry = options.producerRetry ?? { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 };
    this.sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
    this.lagRefreshMs = options.lagRefreshMs ?? 5_000;
    this.store.onNewEvents(() => this.wakeup.wake());
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  /** Stops polling, publishes what is left for up to flushTimeoutMs, then steps down. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.abort.abort();
    this.wakeup.wake();
    await this.loop;
    this.loop = undefined;
    await this.flush();
    await this.stepDown();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.tick();
        this.failures = 0;
      } catch (error) {
        await this.backOff(error);
      }
    }
  }

  private async tick(): Promise<void> {
    if (!(await this.checkLeadership())) {
      await this.wakeup.wait(this.standbyPollMs);
      return;
    }
    await this.refreshLag();
    const published = await this.publishNextBatch();
    if (published === 0) await this.wakeup.wait(this.pollIntervalMs);
    else if (published < this.batchSize) await this.wakeup.wait(this.lingerMs);
  }

  private async backOff(error: unknown): Promise<void> {
    this.failures += 1;
    const delay = withJitter(backoffDelay(this.failures, this.initialBackoffMs, this.maxBackoffMs));
    this.logger.warn({ err: error, failures: this.failures, retryInMs: delay }, 'outbox relay failed, backing off');
    // Not the wakeup: a burst of new events must not turn backoff into a hot loop.
    await sleep(delay, this.abort.signal);
  }

  private async checkLeadership(): Promise<boolean> {
    let leader = false;
    try {
      leader = await this.store.tryAcquireLeadership();
    } finally {
      this.setLeader(leader);
    }
    return leader;
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.metrics.leader.set(leader ? 1 : 0);
    this.logger.info(leader ? 'outbox relay is now the active publisher' : 'outbox relay lost leadership, standing by');
  }

  private async publishNextBatch(): Promise<number> {
    const batch = await this.store.claimBatch(this.batchSize);
    if (batch.records.length === 0) return 0;
    try {
      await this.send(batch.records);
    } catch (error) {
      await this.recordFailure(batch, asError(error));
      throw error;
    }
    // If this fails after Kafka took the records, they are sent again later: at least once.
    await this.store.markPublished(batch);
    for (const record of batch.records) this.metrics.published.inc({ topic: record.topic, type: record.type });
    return batch.records.length;
  }

  private async recordFailure(batch: OutboxBatch, error: Error): Promise<void> {
    this.metrics.publishFailures.inc();
    // A fresh producer (new producer id, fresh connections) is the dependable way back after
    // broker outages; the idempotent sequence state of the old one is unreliable by then.
    await this.dropProducer();
    await this.store
      .markFailed(batch, error)
      .catch((markError: unknown) => this.logger.error({ err: markError }, 'could not record the outbox publish failure'));
  }

  private async send(records: readonly OutboxRecord[]): Promise<void> {
    await this.ensureTopicsOf(records);
    const producer = await this.connectedProducer();
    await producer.sendBatch({
      topicMessages: toTopicMessages(records, this.topicPrefix),
      acks: -1,
      timeout: this.sendTimeoutMs,
      compression: CompressionTypes.None,
    });
  }

  private async ensureTopicsOf(records: readonly OutboxRecord[]): Promise<void> {
    if (this.topicConfig === false) return;
    const topics = records.map((record) => prefixedTopic(record.topic, this.topicPrefix));
    const unknown = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length === 0) return;
    const created = await ensureTopics(this.kafka, unknown, this.topicConfig);
    if (created.length > 0) this.logger.info({ topics: created }, 'created Kafka topics');
    unknown.forEach((topic) => this.knownTopics.add(topic));
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: this.producerRetry,
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async refreshLag(): Promise<void> {
    if (Date.now() - this.lagRefreshedAt < this.lagRefreshMs) return;
    this.lagRefreshedAt = Date.now();
    try {
      const lag = await this.store.lag();
      this.metrics.unpublished.set(lag.unpublished);
      this.metrics.oldestUnpublishedAge.set(lag.oldestAgeSeconds);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the outbox lag');
    }
  }

  private async flush(): Promise<void> {
    const deadline = Date.now() + this.flushTimeoutMs;
    try {
      while (this.leader && Date.now() < deadline) {
        if ((await this.publishNextBatch()) === 0) return;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay stopped with unpublished events; the next active relay sends them');
    }
  }

  private async stepDown(): Promise<void> {
    await this.store.releaseLeadership().catch((error: unknown) => this.logger.warn({ err: error }, 'could not release outbox leadership'));
    this.setLeader(false);
    await this.dropProducer();
  }
}
