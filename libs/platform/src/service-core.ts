import { createTokenVerifier, type Principal } from '@liaison/auth';
import { kafkaLogCreator } from '@liaison/events';
import { GrpcServer, ServiceHost, type ConfigOf, type UnitOfWork } from '@liaison/runtime';
import { stopTelemetry } from '@liaison/runtime/telemetry';
import { Kafka } from 'kafkajs';
import { authorizeRpc, type Permission } from './rpc';
import type { serviceSettings } from './settings';

// What every service process does whatever its database: host (logs, metrics, health, orderly
// shutdown), Kafka client, token verification, the gRPC server with the platform's pipeline, and
// the admin port. The database-specific bootstraps (postgres-service.ts, mongo-service.ts) add
// their store around it.

export type ServiceConfig = ConfigOf<typeof serviceSettings>;

export function startHost(config: ServiceConfig): ServiceHost {
  const host = new ServiceHost({ name: config.SERVICE_NAME, logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  host.onStop('telemetry', stopTelemetry);
  return host;
}

export function kafkaOf(config: ServiceConfig, host: ServiceHost): Kafka {
  return new Kafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS, logCreator: kafkaLogCreator(host.logger) });
}

export function topicConfigOf(config: ServiceConfig) {
  return { partitions: config.KAFKA_TOPIC_PARTITIONS, replication: config.KAFKA_REPLICATION_FACTOR };
}

/** Kafka as a non-critical dependency: the service serves while it is away, the outbox keeps events. */
export function watchKafka(host: ServiceHost, kafka: Kafka): void {
  const admin = kafka.admin();
  host.onStop('kafka admin', () => admin.disconnect());
  host.health.add(
    'kafka',
    async () => {
      await admin.connect();
      await admin.describeCluster();
    },
    { critical: false },
  );
}

export function grpcServerOf<Tx>(
  config: ServiceConfig,
  host: ServiceHost,
  options: { protoFiles: string[]; unitOfWork?: UnitOfWork<Tx> },
): GrpcServer<Principal, Permission, Tx> {
  const verifier = createTokenVerifier({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
  });
  return new GrpcServer<Principal, Permission, Tx>({
    logger: host.logger,
    metrics: host.metrics,
    health: host.health,
    authenticate: (token) => verifier.verify(token),
    authorize: authorizeRpc,
    unitOfWork: options.unitOfWork,
    reflectionFiles: options.protoFiles,
  });
}

export interface RunningService<Apis> {
  grpcPort: number;
  adminPort: number;
  host: ServiceHost;
  /** What the service's `apis` registration returned (its use cases, for tests and jobs). */
  apis: Apis;
}

/** Serves gRPC and the admin port, and stops them first on SIGTERM. */
export async function serve<Apis, Tx>(
  config: ServiceConfig,
  host: ServiceHost,
  grpc: GrpcServer<Principal, Permission, Tx>,
  apis: Apis,
  afterListen: () => void,
): Promise<RunningService<Apis>> {
  const grpcPort = await grpc.listen(config.GRPC_PORT);
  host.onStop('grpc server', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 2));
  afterListen();
  const adminPort = await host.startAdmin(config.HTTP_PORT);
  host.installSignalHandlers();
  host.logger.info({ grpcPort, adminPort }, `${config.SERVICE_NAME} service started`);
  return { grpcPort, adminPort, host, apis };
}
