import fs from 'node:fs';
import path from 'node:path';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { ServiceMetrics } from './metrics';

export type { Pool, PoolClient };

/** Where a statement can run: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function createPool(connectionString: string, metrics?: ServiceMetrics, extra: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 15_000,
    application_name: process.env.SERVICE_NAME,
    ...extra,
  });
  // A client losing its connection (database restart) must not crash the process: idle clients
  // report on the pool, checked-out ones on themselves, and their running query fails anyway.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if (metrics) timeQueries(client, metrics);
  });
  return pool;
}

function timeQueries(client: PoolClient, metrics: ServiceMetrics): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'OTHER';
    const stop = metrics.dbDuration.startTimer({ operation });
    const result = query(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => {
          stop({ outcome: 'ok' });
          metrics.dbQueries.inc({ operation, outcome: 'ok' });
        },
        () => {
          stop({ outcome: 'error' });
          metrics.dbQueries.inc({ operation, outcome: 'error' });
        },
      );
    }
    return result;
  };
}

/** Runs fn in a transaction: commit on success, rollback on any error. */
export async function inTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Reads NNNN_name.sql files of a folder, in version order. */
export function loadSqlMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

// Any fixed number works: it only has to be the same for every replica of every service.
const MIGRATION_LOCK_KEY = 7_420_150_001;

/**
 * Applies the versions of `scope` not applied yet, each in its own transaction. Replicas
 * starting together serialise on an advisory lock, so each version runs exactly once.
 */
export async function runMigrations(pool: Pool, scope: string, migrations: Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      scope text NOT NULL, version integer NOT NULL, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE scope = $1', [scope]);
    const applied = new Set(rows.map((row) => row.version));
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        // Schema changes on big tables (a new index over a million customers) outlast the
        // request-sized statement timeout of the pool; they must not be cut off halfway.
        await client.query('SET LOCAL statement_timeout = 0');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (scope, version, name) VALUES ($1, $2, $3)', [
          scope,
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
        done.push(migration.version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${scope}/${migration.version}_${migration.name} failed: ${(error as Error).message}`);
      }
    }
    // New columns and expression indexes have no statistics until autovacuum gets to them, and
    // until then the planner guesses (a search over a million customers took a bitmap scan of
    // 300 ms instead of an index walk of 5 ms). Refresh them right away.
    if (done.length > 0) {
      await client.query('SET statement_timeout = 0');
      await client.query('ANALYZE');
      await client.query('RESET statement_timeout');
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
