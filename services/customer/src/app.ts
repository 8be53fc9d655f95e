import path from 'node:path';
import { approvalsMigrations, APPROVALS_MIGRATION_SCOPE } from '@liaison/approvals';
import { createTokenVerifier, type Principal } from '@liaison/auth';
import { Topics } from '@liaison/contracts';
import { jobsMigrations, JOBS_MIGRATION_SCOPE, PgJobLedger, schedule } from '@liaison/jobs';
import {
  databaseOf,
  ensureTopics,
  prefixedTopic,
  eventsMigrations,
  kafkaLogCreator,
  OutboxRelay,
  ProjectionConsumer,
} from '@liaison/events';
import { createPool, GrpcServer, loadSqlMigrations, runMigrations, ServiceHost } from '@liaison/runtime';
import { stopTelemetry } from '@liaison/runtime/telemetry';
import { Kafka } from 'kafkajs';
import { loadConfig, type CustomerConfig } from './config';
import { BaseDataService } from './domain/base-data-service';
import { addCustomerApis, CUSTOMER_PROTO_FILES } from './grpc/customer-apis';
import { customerJobs } from './jobs/customer-jobs';
import { customerProjectionHandler } from './projections/customer-projection';
import { PROJECTED_TOPICS } from './projections/projectors';

const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

export interface RunningCustomerService {
  grpcPort: number;
  adminPort: number;
  host: ServiceHost;
}

/** Wires the customer service: database, outbox relay, gRPC API, admin port, shutdown order. */
export async function startCustomerService(config: CustomerConfig = loadConfig()): Promise<RunningCustomerService> {
  const host = new ServiceHost({ name: config.SERVICE_NAME, logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  host.onStop('telemetry', stopTelemetry);

  const pool = createPool(config.DATABASE_URL, host.metrics);
  host.onStop('postgres', () => pool.end());
  await runMigrations(pool, 'events', eventsMigrations);
  await runMigrations(pool, JOBS_MIGRATION_SCOPE, jobsMigrations);
  await runMigrations(pool, 'customer', loadSqlMigrations(MIGRATIONS_DIR));
  const baseData = new BaseDataService(pool);
  await baseData.seed();
  await runMigrations(pool, APPROVALS_MIGRATION_SCOPE, approvalsMigrations);

  const kafka = new Kafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS, logCreator: kafkaLogCreator(host.logger) });
  const topicConfig = { partitions: config.KAFKA_TOPIC_PARTITIONS, replication: config.KAFKA_REPLICATION_FACTOR };
  await ensureTopics(kafka, [prefixedTopic(Topics.customer, config.KAFKA_TOPIC_PREFIX)], topicConfig).catch((error: Error) =>
    host.logger.warn({ err: error }, 'could not ensure topics yet; the relay retries'),
  );
  const kafkaAdmin = kafka.admin();
  host.onStop('kafka admin', () => kafkaAdmin.disconnect());

  host.health
    .add('postgres', async () => void (await pool.query('SELECT 1')))
    .add(
      'kafka',
      async () => {
        await kafkaAdmin.connect();
        await kafkaAdmin.describeCluster();
      },
      { critical: false },
    );
  await host.health.start();

  const topicPrefix = config.KAFKA_TOPIC_PREFIX;
  const relay = new OutboxRelay({ pool, kafka, logger: host.logger, registry: host.metrics.registry, topics: topicConfig, topicPrefix });
  relay.start();
  host.onStop('outbox relay', () => relay.stop());
  if (config.PROJECTIONS_ENABLED) {
    // Registered after the relay so that it stops first: its last events still get flushed.
    const projection = new ProjectionConsumer(
      { kafka, pool, logger: host.logger, registry: host.metrics.registry, handler: customerProjectionHandler({ logger: host.logger }) },
      {
        name: 'customer-projections',
        topics: PROJECTED_TOPICS,
        groupId: config.PROJECTIONS_GROUP_ID,
        fromBeginning: config.PROJECTIONS_FROM_BEGINNING,
        database: databaseOf(config.DATABASE_URL),
        topicConfig,
        topicPrefix,
      },
    );
    projection.start();
    host.onStop('customer projection', () => projection.stop());
  }

  const verifier = createTokenVerifier({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
  });
  const grpc = new GrpcServer<Principal>({
    logger: host.logger,
    metrics: host.metrics,
    health: host.health,
    authenticate: (token) => verifier.verify(token),
    reflectionFiles: CUSTOMER_PROTO_FILES,
  });
  const { assignments, alerts } = await addCustomerApis(grpc, { pool, host, baseData, importChunkRows: config.IMPORT_CHUNK_ROWS });
  const grpcPort = await grpc.listen(config.GRPC_PORT);
  host.onStop('grpc server', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 2));
  const ledger = new PgJobLedger(pool);
  for (const job of customerJobs({ pool, assignments, alerts }, config)) schedule(host, ledger, config.SERVICE_NAME, job);

  const adminPort = await host.startAdmin(config.HTTP_PORT);
  host.installSignalHandlers();
  host.logger.info({ grpcPort, adminPort }, 'customer service started');
  return { grpcPort, adminPort, host };
}
