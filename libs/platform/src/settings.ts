import { commonSettings, env, kafkaSettings, oidcSettings } from '@liaison/runtime';

// The environment every service of the platform reads; a service's config.ts spreads one of
// these and adds its own variables.

/** Any service: process, tokens, Kafka, its gRPC port. */
export const serviceSettings = {
  ...commonSettings,
  ...oidcSettings,
  ...kafkaSettings,
  GRPC_PORT: env.port(50051),
};

/** A service that keeps its data in PostgreSQL. */
export const postgresServiceSettings = {
  ...serviceSettings,
  DATABASE_URL: env.url(undefined, ['postgres', 'postgresql']),
};

/** A service that keeps its data in MongoDB (FerretDB locally). */
export const mongoServiceSettings = {
  ...serviceSettings,
  MONGODB_URL: env.url(undefined, ['mongodb', 'mongodb+srv']),
};

/** Event-fed read models of a service (a projection consumer). */
export const projectionSettings = {
  // Off for processes that only serve.
  PROJECTIONS_ENABLED: env.bool(true),
  // Default: <projection>.<database name>, one group per database the projection writes.
  PROJECTIONS_GROUP_ID: env.optionalString(),
  // A new group starts at the newest events; true replays what Kafka still holds (a rebuild).
  PROJECTIONS_FROM_BEGINNING: env.bool(false),
};
