import type { Pool } from 'pg';
import { runMigrations, type Migration } from '@liaison/runtime';

export const APPROVALS_MIGRATION_SCOPE = 'approvals';

/**
 * Tables of the approval mechanism, created in the service's current schema next to the data the
 * approvals concern (one database per service), with the platform's migration runner.
 */
export const approvalsMigrations: Migration[] = [
  {
    version: 1,
    name: 'approvals',
    sql: `
CREATE TABLE approval_requests (
  id              uuid PRIMARY KEY,
  -- Paging order, newest first; stable while requests are added.
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind            text NOT NULL,
  subject_type    text NOT NULL,
  subject_id      text NOT NULL,
  subject_title   text NOT NULL DEFAULT '',
  requester_id    text NOT NULL,
  requester_name  text NOT NULL,
  requester_unit  text,
  unit            text,
  reason          text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 1000),
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  current_step    integer NOT NULL DEFAULT 1 CHECK (current_step >= 1),
  version         bigint NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);
-- One open request per kind and subject; the index also settles two submissions racing.
CREATE UNIQUE INDEX approval_requests_one_pending ON approval_requests (kind, subject_type, subject_id) WHERE status = 'pending';
CREATE INDEX approval_requests_requester ON approval_requests (requester_id, seq DESC);
CREATE INDEX approval_requests_subject ON approval_requests (subject_type, subject_id, seq DESC);
CREATE INDEX approval_requests_unit ON approval_requests (unit text_pattern_ops, seq DESC);
CREATE INDEX approval_requests_status ON approval_requests (status, seq DESC);

CREATE TABLE approval_steps (
  request_id      uuid NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  position        integer NOT NULL CHECK (position >= 1),
  name            text NOT NULL,
  roles           text[] NOT NULL,
  unit            text,
  decision        text CHECK (decision IN ('approve', 'reject')),
  decided_by      text,
  decided_by_name text,
  decided_at      timestamptz,
  comment         text,
  PRIMARY KEY (request_id, position)
);
CREATE INDEX approval_steps_unit ON approval_steps (unit text_pattern_ops);

-- The operation log: append-only, one row per action, written with the action.
CREATE TABLE approval_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id  uuid NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  step        integer NOT NULL,
  action      text NOT NULL CHECK (action IN ('submit', 'approve', 'reject', 'withdraw')),
  actor_id    text NOT NULL,
  actor_name  text NOT NULL,
  actor_role  text NOT NULL,
  comment     text NOT NULL DEFAULT '',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approval_log_request ON approval_log (request_id, id);
CREATE INDEX approval_log_actor ON approval_log (actor_id, request_id);
`,
  },
  {
    version: 2,
    name: 'list_order_across_services',
    sql: `
-- Lists are ordered by (created_at, id), newest first, in every service alike, so that the gateway
-- merges the lists of several services into one. Times are kept to the millisecond: that is what
-- travels in protobuf Timestamps and JavaScript Dates, so a cursor compares exactly.
UPDATE approval_requests SET created_at = date_trunc('milliseconds', created_at)
  WHERE created_at <> date_trunc('milliseconds', created_at);
ALTER TABLE approval_requests ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
CREATE INDEX approval_requests_list_order ON approval_requests (created_at DESC, id DESC);
`,
  },
];

/** Applies the approval tables (scope `approvals`). */
export function applyApprovalsMigrations(pool: Pool): Promise<number[]> {
  return runMigrations(pool, APPROVALS_MIGRATION_SCOPE, approvalsMigrations);
}
