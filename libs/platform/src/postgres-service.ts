import { approvalsMigrations, APPROVALS_MIGRATION_SCOPE } from '@liaison/approvals';
import {
  databaseOf,
  ensureTopics,
  eventsMigrations,
  OutboxRelay,
  prefixedTopic,
  ProjectionConsumer,
  type EventHandler,
} from '@liaison/events';
import { jobsMigrations, JOBS_MIGRATION_SCOPE, PgJobLedger, schedule, type ScheduledWork } from '@liaison/jobs';
import {
  createPool,
  inTransaction,
  runMigrations,
  type ConfigOf,
  type Migration,
  type Pool,
  type PoolClient,
  type ServiceHost,
} from '@liaison/runtime';
import type { Kafka } from 'kafkajs';
import type { PostgresGrpcServer } from './rpc';
import { grpcServerOf, kafkaOf, serve, startHost, topicConfigOf, watchKafka, type RunningService } from './service-core';
import type { postgresServiceSettings } from './settings';
import { MATCHING_KEYS_MIGRATION_SCOPE, matchingKeysMigrations } from './matching-keys';

// The bootstrap of a PostgreSQL service: one call wires the database (platform migrations, then
// the service's), the outbox relay to the service's own topic, its projections, the gRPC server
// whose transactional RPCs each run in one transaction, the scheduled jobs and the shutdown
// order. A service declares what is its own; everything else is the same for every service.

export type PostgresServiceConfig = ConfigOf<typeof postgresServiceSettings>;

/** What the service's parts are given to build on. */
export interface PostgresContext {
  host: ServiceHost;
  pool: Pool;
  kafka: Kafka;
}

/** An event-fed read model of the service. */
export interface ProjectionSpec {
  /** Names it, and its default consumer group `<name>.<database>`. */
  name: string;
  topics: string[];
  handler: EventHandler<PoolClient>;
  groupId?: string;
  fromBeginning?: boolean;
}

export interface PostgresServiceSpec<Apis> {
  config: PostgresServiceConfig;
  /** The service's own topic (Topics in libs/contracts): its outbox publishes there. */
  topic: string;
  /** The service's migrations, applied after the platform's (outbox and inbox, job ledger, approvals). */
  migrations: Migration[];
  /** Scope of the service's migrations in schema_migrations, e.g. `customer`. */
  migrationScope: string;
  /** Proto files of its APIs (relative to proto/), served by gRPC reflection. */
  protoFiles: string[];
  /** Work after the migrations and before serving, e.g. seeding reference data. */
  prepare?: (context: PostgresContext) => Promise<unknown>;
  /** Registers the gRPC APIs (with their policies); returns what jobs and tests drive. */
  apis: (grpc: PostgresGrpcServer, context: PostgresContext) => Promise<Apis> | Apis;
  projections?: (context: PostgresContext) => ProjectionSpec[];
  jobs?: (apis: Apis, context: PostgresContext) => ScheduledWork<unknown>[];
}

const PLATFORM_MIGRATIONS: [string, Migration[]][] = [
  [MATCHING_KEYS_MIGRATION_SCOPE, matchingKeysMigrations],
  ['events', eventsMigrations],
  [JOBS_MIGRATION_SCOPE, jobsMigrations],
  [APPROVALS_MIGRATION_SCOPE, approvalsMigrations],
];

export async function startPostgresService<Apis>(spec: PostgresServiceSpec<Apis>): Promise<RunningService<Apis>> {
  const { config } = spec;
  const host = startHost(config);
  const pool = createPool(config.DATABASE_URL, host.metrics);
  host.onStop('postgres', () => pool.end());
  for (const [scope, migrations] of PLATFORM_MIGRATIONS) await runMigrations(pool, scope, migrations);
  await runMigrations(pool, spec.migrationScope, spec.migrations);

  const kafka = kafkaOf(config, host);
  const context: PostgresContext = { host, pool, kafka };
  await spec.prepare?.(context);
  await ensureTopics(kafka, [prefixedTopic(spec.topic, config.KAFKA_TOPIC_PREFIX)], topicConfigOf(config)).catch((error: Error) =>
    host.logger.warn({ err: error }, 'could not ensure topics yet; the relay retries'),
  );
  watchKafka(host, kafka);
  host.health.add('postgres', async () => void (await pool.query('SELECT 1')));
  await host.health.start();

  startRelay(config, context);
  // Registered after the relay so that they stop first: the relay still flushes their last events.
  for (const projection of spec.projections?.(context) ?? []) startProjection(config, context, projection);

  const grpc = grpcServerOf<PoolClient>(config, host, { protoFiles: spec.protoFiles, unitOfWork: (work) => inTransaction(pool, work) });
  const apis = await spec.apis(grpc, context);
  const ledger = new PgJobLedger(pool);
  return serve(config, host, grpc, apis, () => {
    for (const job of spec.jobs?.(apis, context) ?? []) schedule(host, ledger, config.SERVICE_NAME, job);
  });
}

function startRelay(config: PostgresServiceConfig, { host, pool, kafka }: PostgresContext): void {
  const relay = new OutboxRelay({
    pool,
    kafka,
    logger: host.logger,
    registry: host.metrics.registry,
    topics: topicConfigOf(config),
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
  });
  relay.start();
  host.onStop('outbox relay', () => relay.stop());
}

function startProjection(config: PostgresServiceConfig, { host, pool, kafka }: PostgresContext, spec: ProjectionSpec): void {
  const projection = new ProjectionConsumer(
    { kafka, pool, logger: host.logger, registry: host.metrics.registry, handler: spec.handler },
    {
      name: spec.name,
      topics: spec.topics,
      groupId: spec.groupId,
      fromBeginning: spec.fromBeginning ?? false,
      database: databaseOf(config.DATABASE_URL),
      topicConfig: topicConfigOf(config),
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
    },
  );
  projection.start();
  host.onStop(`projection ${spec.name}`, () => projection.stop());
}
