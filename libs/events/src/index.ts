// Transactional outbox, relay and idempotent consumer for Liaison's Kafka events.
export * from './cloud-events';
export * from './consumer';
export * from './dead-letter';
export * from './inbox';
export * from './kafka-logger';
export * from './metrics';
export * from './migrations';
export * from './outbox';
export * from './outbox-store';
export * from './pg-outbox-store';
export * from './received-event';
export * from './relay';
export * from './timing';
export * from './topics';
export * from './projection-consumer';
