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

export async function startPlatform(database: string, extraEnv: Record<string, string> = {}): Promise<Platform> {
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
  try {
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`);
    const gateway = startProcess('gateway', path.join(repoRoot, 'gateway/dist/main.js'), {
      ...common,
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
  return { baseUrl: `http://127.0.0.1:${httpPort}/api/v1`, processes, stop, query: (sql, values) => queryOnce(databaseUrl, sql, values) };
}
