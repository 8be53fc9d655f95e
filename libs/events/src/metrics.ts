import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type LabelledMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * Returns the metric already on the registry under that name, so that two relays or
 * consumers in one process share it instead of failing on duplicate registration. Without a
 * registry the metric is kept unregistered: code paths stay the same, nothing is exported.
 */
function shared<M extends LabelledMetric>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => M): M {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as M;
  return create(registry ? [registry] : []);
}

export interface RelayMetrics {
  published: Counter<'topic' | 'type'>;
  publishFailures: Counter<never>;
  unpublished: Gauge<never>;
  oldestUnpublishedAge: Gauge<never>;
  leader: Gauge<never>;
}

export function createRelayMetrics(registry?: Registry): RelayMetrics {
  return {
    published: shared(
      registry,
      'events_published_total',
      (registers) =>
        new Counter({
          name: 'events_published_total',
          help: 'Events published to Kafka by the outbox relay',
          labelNames: ['topic', 'type'] as const,
          registers,
        }),
    ),
    publishFailures: shared(
      registry,
      'events_publish_failures_total',
      (registers) => new Counter({ name: 'events_publish_failures_total', help: 'Outbox batches that failed to publish', registers }),
    ),
    unpublished: shared(
      registry,
      'outbox_unpublished_events',
      (registers) => new Gauge({ name: 'outbox_unpublished_events', help: 'Outbox events not yet published', registers }),
    ),
    oldestUnpublishedAge: shared(
      registry,
      'outbox_oldest_unpublished_age_seconds',
      (registers) =>
        new Gauge({ name: 'outbox_oldest_unpublished_age_seconds', help: 'Age of the oldest unpublished outbox event', registers }),
    ),
    leader: shared(
      registry,
      'outbox_relay_leader',
      (registers) => new Gauge({ name: 'outbox_relay_leader', help: '1 while this replica is the active outbox relay', registers }),
    ),
  };
}

export type ConsumeOutcome = 'ok' | 'duplicate' | 'dead_lettered' | 'skipped';

export interface ConsumerMetrics {
  handled: Counter<'group' | 'topic' | 'type' | 'outcome'>;
  duration: Histogram<'group' | 'topic' | 'type'>;
}

const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createConsumerMetrics(registry?: Registry): ConsumerMetrics {
  return {
    handled: shared(
      registry,
      'events_consumed_total',
      (registers) =>
        new Counter({
          name: 'events_consumed_total',
          help: 'Kafka events consumed, by outcome',
          labelNames: ['group', 'topic', 'type', 'outcome'] as const,
          registers,
        }),
    ),
    duration: shared(
      registry,
      'events_handler_duration_seconds',
      (registers) =>
        new Histogram({
          name: 'events_handler_duration_seconds',
          help: 'Event handling time including retries',
          labelNames: ['group', 'topic', 'type'] as const,
          buckets: HANDLER_BUCKETS,
          registers,
        }),
    ),
  };
}
