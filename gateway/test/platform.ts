import path from 'node:path';
import { Client, type QueryResult } from 'pg';
import { ensureDatabase, freePort, repoRoot, stack, startProcess, waitUntilReady, type RunningProcess } from '@liaison/testkit';

// Starts the built customer service and gateway as real processes against the local stack,
// each test file with its own database and ports, so suites never disturb each other or a
// platform started with scripts/start.

export interface Platform {
  baseUrl: string;
  processes: RunningProcess[];
  stop: () => Promise<void>;
  /** One statement on the platform's database, to arrange what the API cannot (e.g. age a record). */
  query: (sql: string, values?: unknown[]) => Promise<QueryResult>;
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
  const processes = [customer];
  const stop = async () => {
    for (const proc of processes.reverse()) await proc.stop();
  };
  const serviceAddresses: Record<string, string> = {};
  try {
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`);
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
    const gateway = startProcess('gateway', path.join(repoRoot, 'gateway/dist/main.js'), {
      ...common,
      ...serviceAddresses,
      SERVICE_NAME: 'gateway',
      HTTP_PORT: String(httpPort),
      CUSTOMER_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      PUBLIC_URL: `http://localhost:${httpPort}`,
    });
    processes.push(gateway);
    await waitUntilReady(gateway, `http://127.0.0.1:${httpPort}/readyz`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl: `http://127.0.0.1:${httpPort}/api/v1`,
    processes,
    stop,
    query: (sql, values) => queryOnce(databaseUrl, sql, values),
    serviceAddresses,
  };
}
