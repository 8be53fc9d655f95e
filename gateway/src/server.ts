import http from 'node:http';
import path from 'node:path';
import { eventsMigrations, kafkaLogCreator, OutboxRelay } from '@liaison/events';
import { jobsMigrations, JOBS_MIGRATION_SCOPE, PgJobLedger, schedule } from '@liaison/jobs';
import { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import { AuditTrail } from './audit/audit-trail';
import type { RateLimitSettings } from './rate-limit/rate-limit-middleware';
import { PgCounterStore, RateLimiter } from './rate-limit/rate-limiter';
import { createClientCredentialsSource, createTokenVerifier } from '@liaison/auth';
import { createPool, grpcHealthCheck, listen, loadSqlMigrations, runMigrations, ServiceHost, type Pool } from '@liaison/runtime';
import { stopTelemetry } from '@liaison/runtime/telemetry';
import { createGatewayApp } from './app';
import { closeClients, createClients } from './clients';
import { clientQuotasOf, loadConfig, serviceAddressesOf, type GatewayConfig } from './config';
import { answerClientErrors } from './http/client-errors';

export interface RunningGateway {
  port: number;
  host: ServiceHost;
}

/** Starts the gateway process: clients to the services, the Express app, shutdown order. */
export async function startGateway(config: GatewayConfig = loadConfig()): Promise<RunningGateway> {
  const host = new ServiceHost({ name: config.SERVICE_NAME, logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  host.onStop('telemetry', stopTelemetry);

  const serviceAddresses = serviceAddressesOf(config);
  const clients = createClients({
    customerAddress: config.CUSTOMER_GRPC_ADDR,
    salesPipelineAddress: config.SALES_PIPELINE_GRPC_ADDR,
    serviceAddresses,
    deadlineMs: config.GRPC_DEADLINE_MS,
    metrics: host.metrics,
  });
  host.onStop('grpc clients', () => closeClients(clients));
  host.health.add('customer', grpcHealthCheck(config.CUSTOMER_GRPC_ADDR));
  // The other services degrade the API without taking the gateway out: their routes fail alone.
  for (const [service, address] of Object.entries(serviceAddresses)) {
    if (service !== 'customer') host.health.add(service, grpcHealthCheck(address), { critical: false });
  }
  await host.health.start();

  const pool = createPool(config.DATABASE_URL, host.metrics);
  host.onStop('postgres', () => pool.end());
  await runMigrations(pool, 'events', eventsMigrations);
  await runMigrations(pool, JOBS_MIGRATION_SCOPE, jobsMigrations);
  await runMigrations(pool, 'gateway', loadSqlMigrations(path.resolve(__dirname, '../migrations')));
  host.health.add('postgres', async () => void (await pool.query('SELECT 1')));
  startAuditRelay(config, host, pool);
  const auditTrail = new AuditTrail(pool, host.logger, auditFailures(host));
  host.onStop('audit trail', () => auditTrail.drain());
  const { rateLimiter, rateLimits } = startRateLimits(config, host, pool);

  const verifier = createTokenVerifier({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
  });
  const app = createGatewayApp({
    verifier,
    clients,
    pool,
    auditTrail,
    rateLimiter,
    rateLimits,
    gatewayToken: createClientCredentialsSource({
      tokenUrl: `${config.OIDC_ISSUER}/protocol/openid-connect/token`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
    }),
    publicLimits: {
      perAddress: { name: 'address', limit: config.PUBLIC_LIMIT_PER_ADDRESS, windowSec: config.RATE_LIMIT_WINDOW_SEC },
      perForm: { name: 'form', limit: config.PUBLIC_LIMIT_PER_FORM, windowSec: config.RATE_LIMIT_WINDOW_SEC },
    },
    trustProxyHops: config.TRUST_PROXY_HOPS,
    corsOrigins: config.CORS_ALLOWED_ORIGINS.filter((origin) => origin !== 'none'),
    logger: host.logger,
    metrics: host.metrics,
    health: host.health,
    publicUrl: config.PUBLIC_URL,
    bodyLimit: config.BODY_LIMIT,
  });
  const server = http.createServer(app);
  answerClientErrors(server);
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, config.HTTP_PORT);
  host.onStop(
    'http server',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  host.installSignalHandlers();
  host.logger.info({ port }, 'gateway started');
  return { port, host };
}

// The audit events go out through the gateway's outbox like any service's events.
function startAuditRelay(config: GatewayConfig, host: ServiceHost, pool: Pool): void {
  const kafka = new Kafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS, logCreator: kafkaLogCreator(host.logger) });
  const relay = new OutboxRelay({
    pool,
    kafka,
    logger: host.logger,
    registry: host.metrics.registry,
    topics: { partitions: config.KAFKA_TOPIC_PARTITIONS, replication: config.KAFKA_REPLICATION_FACTOR },
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
  });
  relay.start();
  host.onStop('outbox relay', () => relay.stop());
}

function auditFailures(host: ServiceHost): Counter {
  return new Counter({
    name: 'gateway_audit_write_failures_total',
    help: 'Audit records that could not be stored (their writes were answered regardless).',
    registers: [host.metrics.registry],
  });
}

// Counted per replica, shared through the database; ended windows are pruned once an hour by one replica.
function startRateLimits(
  config: GatewayConfig,
  host: ServiceHost,
  pool: Pool,
): { rateLimiter: RateLimiter; rateLimits: RateLimitSettings } {
  const store = new PgCounterStore(pool);
  const rateLimiter = new RateLimiter(store, {
    flushIntervalMs: config.RATE_LIMIT_FLUSH_MS,
    margin: (limit) => Math.max(20, Math.ceil(limit / 10)),
  });
  rateLimiter.start();
  host.onStop('rate limiter', () => rateLimiter.stop());
  const windowSec = config.RATE_LIMIT_WINDOW_SEC;
  schedule(host, new PgJobLedger(pool), config.SERVICE_NAME, {
    name: 'rate-limit-prune',
    intervalMs: 3_600_000,
    work: () => store.prune(Date.now() - 2 * windowSec * 1000),
  });
  return {
    rateLimiter,
    rateLimits: {
      perUser: { name: 'user', limit: config.RATE_LIMIT_PER_USER, windowSec },
      perClient: { name: 'client', limit: config.RATE_LIMIT_PER_CLIENT, windowSec },
      clients: clientQuotasOf(config.RATE_LIMIT_CLIENTS),
    },
  };
}
