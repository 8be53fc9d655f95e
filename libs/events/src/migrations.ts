import type { Pool } from 'pg';

export interface EventsMigration {
  version: number;
  name: string;
  sql: string;
}

export const EVENTS_MIGRATION_SCOPE = 'events';

/**
 * Tables for the transactional outbox and the consumer inbox, created in the current schema
 * so that each service keeps them next to its own data (one database per service).
 */
export const eventsMigrations: EventsMigration[] = [
  {
    version: 1,
    name: 'outbox',
    sql: `
CREATE TABLE IF NOT EXISTS outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid        NOT NULL UNIQUE,
  topic        text        NOT NULL,
  key          text        NOT NULL,
  type         text        NOT NULL,
  source       text        NOT NULL,
  subject      text,
  time         timestamptz NOT NULL,
  payload      bytea       NOT NULL,
  headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text
);
-- The relay only ever reads the backlog; published rows stay for audit until pruned.
CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
`,
  },
  {
    version: 2,
    name: 'inbox',
    sql: `
CREATE TABLE IF NOT EXISTS inbox (
  consumer_group text        NOT NULL,
  -- text, not uuid: events from producers outside Liaison may use any CloudEvents id.
  event_id       text        NOT NULL,
  topic          text        NOT NULL,
  partition      integer     NOT NULL,
  "offset"       bigint      NOT NULL,
  handled_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
CREATE INDEX IF NOT EXISTS inbox_handled_at_idx ON inbox (handled_at);
`,
  },
];

// Same key as every other user of schema_migrations so that concurrent runners serialise.
const MIGRATION_LOCK_KEY = 7_420_150_001;

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  scope text NOT NULL, version integer NOT NULL, name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))`;

/**
 * Applies the versions of `scope` not yet recorded in schema_migrations, each in its own
 * transaction; returns the versions it applied. Replicas starting together wait on an
 * advisory lock, so every version runs once.
 */
export async function applyMigrations(pool: Pool, scope: string, migrations: EventsMigration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_SCHEMA_MIGRATIONS);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE scope = $1', [scope]);
    const applied = new Set(rows.map((row) => row.version));
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (scope, version, name) VALUES ($1, $2, $3)', [scope, migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${scope}/${migration.version}_${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

export function applyEventsMigrations(pool: Pool): Promise<number[]> {
  return applyMigrations(pool, EVENTS_MIGRATION_SCOPE, eventsMigrations);
}
