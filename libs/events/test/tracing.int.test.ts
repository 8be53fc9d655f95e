import { context, propagation, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EventTypes, eventsV1 } from '@liaison/contracts';
import { EventConsumer, OutboxRelay } from '../src';
import {
  createTestSchema,
  outboxOn,
  inTransaction,
  logger,
  randomSuffix,
  testKafka,
  uniqueTopic,
  waitFor,
  type TestSchema,
} from './support';

describe('trace context from the writing request to the event handler', () => {
  const exporter = new InMemorySpanExporter();
  let db: TestSchema;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    db = await createTestSchema();
  });

  afterAll(async () => {
    await db?.drop();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('runs the handler in a consumer span that is a child of the span that appended the event', async () => {
    const kafka = testKafka();
    const topic = uniqueTopic();
    const relay = new OutboxRelay({ pool: db.pool, kafka, logger });
    let handlerSpan: SpanContext | undefined;
    const consumer = new EventConsumer({
      kafka,
      groupId: `tracing-${randomSuffix()}`,
      topics: [topic],
      pool: db.pool,
      logger,
      fromBeginning: true,
      consumerConfig: { maxWaitTimeInMs: 100 },
      handler: async () => {
        handlerSpan = trace.getActiveSpan()?.spanContext();
      },
    });
    await consumer.start();
    relay.start();
    try {
      const payload = eventsV1.CustomerCreated.fromPartial({ customer: { id: 'c-1', name: '南方电网' } });
      const request = await trace.getTracer('test').startActiveSpan('POST /v1/customers', { kind: SpanKind.SERVER }, async (span) => {
        await inTransaction(db.pool, (tx) =>
          outboxOn(topic).append(tx, [{ type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload }]),
        );
        span.end();
        return span.spanContext();
      });

      const handled = await waitFor(() => handlerSpan, 'the handler to run');
      expect(handled.traceId).toBe(request.traceId);
      // The span ends after the handler returns and the inbox transaction commits: wait for it.
      const consumerSpan = await waitFor(
        () => exporter.getFinishedSpans().find((span) => span.spanContext().spanId === handled.spanId),
        'the consumer span to end',
      );
      expect(consumerSpan?.name).toBe(`process ${topic}`);
      expect(consumerSpan?.kind).toBe(SpanKind.CONSUMER);
      expect(consumerSpan?.parentSpanContext?.spanId).toBe(request.spanId);
      expect(consumerSpan?.attributes['messaging.destination.name']).toBe(topic);
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  });
});
