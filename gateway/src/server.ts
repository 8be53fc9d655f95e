import http from 'node:http';
import { createTokenVerifier } from '@liaison/auth';
import { grpcHealthCheck, listen, ServiceHost } from '@liaison/runtime';
import { stopTelemetry } from '@liaison/runtime/telemetry';
import { createGatewayApp } from './app';
import { closeClients, createClients } from './clients';
import { loadConfig, serviceAddressesOf, type GatewayConfig } from './config';
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

  const verifier = createTokenVerifier({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
  });
  const app = createGatewayApp({
    verifier,
    clients,
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
