import path from 'node:path';
import { Client, type QueryResult } from 'pg';
import { ensureDatabase, freePort, repoRoot, stack, startProcess, waitUntilReady, type RunningProcess } from '@liaison/testkit';

// Starts the built services (customer, sales-pipeline) and gateway as real processes against the local stack,
// each test file with its own database and ports, so suites never disturb each other or a
// platform started with scripts/start.

export interface Platform {
  baseUrl: string;
  processes: RunningProcess[];
  stop: () => Promise<void>;
  /** One statement on the platform's database, to arrange what the API cannot (e.g. age a record). */
  query: (sql: string, values?: unknown[]) => Promise<QueryResult>;
  /** Every gateway replica's API base (baseUrl is the first's). */
  baseUrls: string[];
  gatewayDatabaseUrl: string;
  /** The gateway's <NAME>_GRPC_ADDR of each of the moreServices. */
  serviceAddresses: Record<string, string>;
}

async function queryOnce(databaseUrl: string, sql: string, values: unknown[] = []): Promise<QueryResult> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await db.query(sql, values);
  } finally {
    await db.end();
  }
}

export interface PlatformOptions {
  /**
   * More instances of the customer service, each on a database of its own, told to the gateway
   * as other services (<NAME>_GRPC_ADDR): e.g. a second service with approvals.
   */
  moreServices?: { name: string; database: string }[];
  /** Gateway replicas sharing one database (rate limits, audit trail); 1 by default. */
  gatewayReplicas?: number;
}

export async function startPlatform(
  database: string,
  extraEnv: Record<string, string> = {},
  options: PlatformOptions = {},
): Promise<Platform> {
  const databaseUrl = await ensureDatabase(database);
  const [grpcPort, adminPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    OIDC_ISSUER: stack.issuer,
    OIDC_CLIENT_SECRET: 'liaison-internal-secret',
    ...extraEnv,
  };
  const customer = startProcess('customer', path.join(repoRoot, 'services/customer/dist/main.js'), {
    ...common,
    SERVICE_NAME: 'customer',
    DATABASE_URL: databaseUrl,
    GRPC_PORT: String(grpcPort),
    HTTP_PORT: String(adminPort),
  });
  const [salesGrpcPort, salesAdminPort] = [await freePort(), await freePort()];
  const salesPipeline = startProcess('sales-pipeline', path.join(repoRoot, 'services/sales-pipeline/dist/main.js'), {
    ...common,
    SERVICE_NAME: 'sales-pipeline',
    DATABASE_URL: await ensureDatabase(`${database}_sales`),
    GRPC_PORT: String(salesGrpcPort),
    HTTP_PORT: String(salesAdminPort),
  });
  const processes = [customer, salesPipeline];
  const stop = async () => {
    for (const proc of processes.reverse()) await proc.stop();
  };
  const serviceAddresses: Record<string, string> = {};
  const gatewayPorts = [httpPort];
  for (let replica = 1; replica < (options.gatewayReplicas ?? 1); replica += 1) gatewayPorts.push(await freePort());
  try {
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`);
    await waitUntilReady(salesPipeline, `http://127.0.0.1:${salesAdminPort}/readyz`);
    for (const more of options.moreServices ?? []) {
      const [moreGrpc, moreAdmin] = [await freePort(), await freePort()];
      const proc = startProcess(more.name, path.join(repoRoot, 'services/customer/dist/main.js'), {
        ...common,
        SERVICE_NAME: more.name,
        DATABASE_URL: await ensureDatabase(more.database),
        GRPC_PORT: String(moreGrpc),
        HTTP_PORT: String(moreAdmin),
      });
      processes.push(proc);
      await waitUntilReady(proc, `http://127.0.0.1:${moreAdmin}/readyz`);
      serviceAddresses[`${more.name.toUpperCase().replace(/-/g, '_')}_GRPC_ADDR`] = `127.0.0.1:${moreGrpc}`;
    }
    const gatewayDatabaseUrl = await ensureDatabase(`${database}_gateway`);
    for (const port of gatewayPorts) {
      const gateway = startProcess('gateway', path.join(repoRoot, 'gateway/dist/main.js'), {
        // No rate limits unless a test sets them: suites walk the API faster than any person.
        RATE_LIMIT_PER_USER: '0',
        RATE_LIMIT_PER_CLIENT: '0',
        PUBLIC_LIMIT_PER_ADDRESS: '0',
        PUBLIC_LIMIT_PER_FORM: '0',
        ...common,
        ...serviceAddresses,
        SERVICE_NAME: 'gateway',
        HTTP_PORT: String(port),
        DATABASE_URL: gatewayDatabaseUrl,
        CUSTOMER_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
        SALES_PIPELINE_GRPC_ADDR: `127.0.0.1:${salesGrpcPort}`,
        PUBLIC_URL: `http://localhost:${httpPort}`,
      });
      processes.push(gateway);
      // One at a time: the first applies the gateway's migrations.
      await waitUntilReady(gateway, `http://127.0.0.1:${port}/readyz`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${httpPort}/api/v1`,
    baseUrls: gatewayPorts.map((port) => `http://127.0.0.1:${port}/api/v1`),
    gatewayDatabaseUrl: stack.postgresUrl(`${database}_gateway`),
    processes,
    stop,
    query: (sql, values) => queryOnce(databaseUrl, sql, values),
    serviceAddresses,
  };
}
