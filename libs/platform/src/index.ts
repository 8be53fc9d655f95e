// Service defaults: what every Liaison service is built on, so that a service's entry is a few
// lines of wiring. A PostgreSQL service calls startPostgresService, a MongoDB one startMongoService.
export * from './rpc';
export * from './settings';
export * from './service-core';
export * from './postgres-service';
export * from './mongo-service';
