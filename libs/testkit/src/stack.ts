import path from 'node:path';
import { Client } from 'pg';
import { containerStackCommand, runCommand, stackMode, type CommandRunner } from './containers';

// Addresses of the local stack (scripts/stack), overridable for other environments such as
// testcontainers or a remote CI stack.

export const repoRoot = path.resolve(__dirname, '../../..');

export const stack = {
  keycloakUrl: process.env.KEYCLOAK_URL ?? 'http://localhost:8180',
  realm: 'liaison',
  get issuer() {
    return `${this.keycloakUrl}/realms/${this.realm}`;
  },
  get tokenUrl() {
    return `${this.issuer}/protocol/openid-connect/token`;
  },
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  postgresUrl: (database: string) => `${process.env.POSTGRES_URL ?? 'postgresql://liaison:liaison@127.0.0.1:5432'}/${database}`,
  /** The MongoDB-wire server (FerretDB locally); a database is created by its first write. */
  mongoUrl: (database: string) => `${process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017'}/${database}`,
};

/** Creates a database for one test suite if it does not exist yet (tests stay repeatable without cleanup). */
export async function ensureDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new Client({ connectionString: stack.postgresUrl('postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return stack.postgresUrl(name);
}

export interface StackCommandDeps {
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
}

/** Builds `stackCommand`; the runner and environment are injectable so tests can watch the dispatch. */
export function makeStackCommand(deps: StackCommandDeps = {}): (...args: string[]) => Promise<string> {
  return async (...args) => {
    // Read at call time, so the mode is the one of the process that runs the test.
    const env = deps.env ?? process.env;
    const run = deps.run ?? runCommand;
    if (stackMode(env) === 'testcontainers') return containerStackCommand(args, { repoRoot, env, run });
    return (await run('bash', [path.join(repoRoot, 'scripts/stack'), ...args])).stdout;
  };
}

/**
 * Runs `scripts/stack <args>`, e.g. ['down', 'kafka'] in fault tests. With LIAISON_STACK=testcontainers
 * it does the same to the recorded containers (`docker stop|start`).
 */
export const stackCommand = makeStackCommand();
