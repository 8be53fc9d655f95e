import type { Pool } from 'pg';
import { runMigrations, type Migration } from '@liaison/runtime';

export type EventsMigration = Migration;

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

/** Applies the events tables with the platform's migration runner (scope `events`). */
export function applyEventsMigrations(pool: Pool): Promise<number[]> {
  return runMigrations(pool, EVENTS_MIGRATION_SCOPE, eventsMigrations);
}
