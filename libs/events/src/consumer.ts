import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  Partitioners,
  type Consumer,
  type ConsumerConfig,
  type EachMessagePayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { deadLetterHeaders, deadLetterTopicOf, type DeadLetterContext } from './dead-letter';
import { PgInbox, type Inbox } from './inbox';
import { createConsumerMetrics, type ConsumeOutcome, type ConsumerMetrics } from './metrics';
import { decodeRecord, type ReceivedEvent } from './received-event';
import { backoffDelay, sleep } from './timing';
import { ensureTopics, prefixedTopic, type TopicConfig } from './topics';

export type EventHandler<Tx = PoolClient> = (event: ReceivedEvent, tx: Tx) => Promise<void>;

export interface EventConsumerOptions<Tx = PoolClient> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Backs the default PgInbox (tables from eventsMigrations); not needed when `inbox` is given. */
  pool?: Pool;
  inbox?: Inbox<Tx>;
  logger: Logger;
  registry?: Registry;
  handler: EventHandler<Tx>;
  /** Handler runs per event before it goes to `<topic>.dlq`. */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  fromBeginning?: boolean;
  /** Topics (and their DLQs) are created on start unless `false`. */
  topicConfig?: TopicConfig | false;
  /** Put before each topic name on the broker (KAFKA_TOPIC_PREFIX), as the publishers do. */
  topicPrefix?: string;
  /** Passed to kafkajs (session timeout, fetch sizes, maxWaitTimeInMs…). */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
}

type Handling = ConsumeOutcome | 'interrupted';

const tracer = trace.getTracer('liaison-events');

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Consumes CloudEvents from Kafka with effectively-once handling: the inbox dedupes
 * redeliveries, offsets are committed only once an event is handled or dead-lettered, and
 * failing events are retried with backoff, then parked in `<topic>.dlq`.
 */
export class EventConsumer<Tx = PoolClient> {
  private readonly options: EventConsumerOptions<Tx>;
  private readonly retry: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
  private readonly inbox: Inbox<Tx>;
  private readonly logger: Logger;
  private readonly metrics: ConsumerMetrics;
  private consumer?: Consumer;
  private producer?: Producer;
  private abort = new AbortController();

  constructor(options: EventConsumerOptions<Tx>) {
    if (!options.inbox && !options.pool) throw new Error('EventConsumer needs a pool (for the PostgreSQL inbox) or an inbox');
    this.options = options;
    this.retry = {
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
    };
    this.inbox = options.inbox ?? (new PgInbox(options.pool as Pool) as unknown as Inbox<Tx>);
    this.logger = options.logger.child({ component: 'event-consumer', group: options.groupId });
    this.metrics = createConsumerMetrics(options.registry);
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const { kafka, groupId, topicConfig } = this.options;
    const topics = this.options.topics.map((topic) => prefixedTopic(topic, this.options.topicPrefix));
    if (topicConfig !== false) await ensureTopics(kafka, topics, topicConfig);
    this.abort = new AbortController();
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.consumer = kafka.consumer({ allowAutoTopicCreation: false, ...this.options.consumerConfig, groupId });
    try {
      await this.producer.connect();
      await this.consumer.connect();
      await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? false });
      await this.consumer.run({ autoCommit: false, eachMessage: (payload) => this.onMessage(payload) });
    } catch (error) {
      // Leave nothing half-connected, so that start() can simply be called again.
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Leaves the group; an event interrupted mid-retry stays uncommitted and is redelivered. */
  async stop(): Promise<void> {
    this.abort.abort();
    const { consumer, producer } = this;
    try {
      // The producer outlives the consumer: an in-flight event may still need the DLQ.
      await consumer?.disconnect();
    } finally {
      await producer?.disconnect();
      this.consumer = undefined;
      this.producer = undefined;
    }
  }

  private async onMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const decoded = decodeRecord({ topic, partition }, message);
    let outcome: Handling;
    let type = 'unknown';
    if (decoded.kind === 'malformed') {
      this.logger.warn(
        { topic, partition, offset: message.offset, reason: decoded.error.message },
        'malformed event sent to the dead-letter topic',
      );
      await this.deadLetter(message, {
        error: decoded.error,
        topic,
        partition,
        offset: message.offset,
        attempts: 0,
        consumerGroup: this.options.groupId,
      });
      outcome = 'dead_lettered';
    } else if (decoded.kind === 'unknown-type') {
      this.logger.warn(
        { topic, partition, offset: message.offset, type: decoded.type, eventId: decoded.id },
        'skipping event of unknown type',
      );
      outcome = 'skipped';
    } else {
      type = decoded.event.type;
      outcome = await this.handleTraced(decoded.event, message, heartbeat);
    }
    if (outcome === 'interrupted') return;
    await this.commit(topic, partition, message.offset);
    this.metrics.handled.inc({ group: this.options.groupId, topic, type, outcome });
  }

  /** Continues the producer's trace, so one trace spans request → outbox → Kafka → handler. */
  private handleTraced(event: ReceivedEvent, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Handling> {
    const parent = propagation.extract(ROOT_CONTEXT, event.headers);
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': event.topic,
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.message.id': event.id,
      'messaging.destination.partition.id': String(event.partition),
      'messaging.kafka.offset': Number(event.offset),
      'cloudevents.event_type': event.type,
    };
    return tracer.startActiveSpan(`process ${event.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
      const stopTimer = this.metrics.duration.startTimer({ group: this.options.groupId, topic: event.topic, type: event.type });
      try {
        return await this.handleWithRetries(event, message, heartbeat, span);
      } finally {
        stopTimer();
        span.end();
      }
    });
  }

  private async handleWithRetries(
    event: ReceivedEvent,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    span: Span,
  ): Promise<Handling> {
    const { maxAttempts, backoffMs, maxBackoffMs } = this.retry;
    const { groupId } = this.options;
    const entry = { consumerGroup: groupId, eventId: event.id, topic: event.topic, partition: event.partition, offset: event.offset };
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.inbox.handleOnce(entry, (tx) => this.options.handler(event, tx));
        return result === 'duplicate' ? 'duplicate' : 'ok';
      } catch (error) {
        span.recordException(errorOf(error));
        if (attempt >= maxAttempts) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorOf(error).message });
          this.logger.error(
            { err: error, eventId: event.id, type: event.type, attempts: attempt },
            'event handling failed, dead-lettering it',
          );
          await this.deadLetter(message, {
            error,
            topic: event.topic,
            partition: event.partition,
            offset: event.offset,
            attempts: attempt,
            consumerGroup: groupId,
          });
          return 'dead_lettered';
        }
        const delay = backoffDelay(attempt, backoffMs, maxBackoffMs);
        this.logger.warn({ err: error, eventId: event.id, type: event.type, attempt, retryInMs: delay }, 'event handling failed, retrying');
        await sleep(delay, this.abort.signal);
        if (this.abort.signal.aborted) return 'interrupted';
        await heartbeat();
      }
    }
  }

  // A failed DLQ send throws out of eachMessage: the offset stays uncommitted and kafkajs
  // redelivers, so an event is never dropped because the DLQ was unreachable.
  private async deadLetter(message: KafkaMessage, context: DeadLetterContext): Promise<void> {
    if (!this.producer) throw new Error('consumer is stopping');
    await this.producer.send({
      topic: deadLetterTopicOf(context.topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(message.headers, context) }],
    });
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    // Kafka's committed offset is the next one to read.
    await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  }
}
