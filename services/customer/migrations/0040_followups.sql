-- CUS-09: follow-up and visit records (跟单/拜访记录) and the supervisors' annotations (批示).
-- Records are soft deleted (deleted_at) because they are the history a successor rep takes over.

-- The pool rules (another migration) may add the same column; either order works.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS last_contacted_at timestamptz;

CREATE TABLE follow_ups (
  id                  uuid PRIMARY KEY,
  seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  customer_id         uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  -- A contact of the customer; checked by the service, as contacts may live in a later migration.
  contact_id          uuid,
  method              text NOT NULL CHECK (method IN ('visit', 'phone', 'wechat', 'email', 'meeting', 'other')),
  content             text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 5000),
  occurred_at         timestamptz NOT NULL,
  next_follow_up_date date,
  reminder            text NOT NULL DEFAULT 'none' CHECK (reminder IN ('none', 'normal', 'key')),
  author_id           text NOT NULL,
  request_id          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz,
  deleted_by          text,
  CONSTRAINT follow_ups_reminder_needs_date CHECK (reminder = 'none' OR next_follow_up_date IS NOT NULL),
  CONSTRAINT follow_ups_idempotency UNIQUE (author_id, request_id)
);

-- Both lists page newest occurrence first with seq as the tie-breaker.
CREATE INDEX follow_ups_customer_time ON follow_ups (customer_id, occurred_at DESC, seq DESC) WHERE deleted_at IS NULL;
CREATE INDEX follow_ups_time ON follow_ups (occurred_at DESC, seq DESC) WHERE deleted_at IS NULL;
CREATE INDEX follow_ups_author_time ON follow_ups (author_id, occurred_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE follow_up_annotations (
  id           uuid PRIMARY KEY,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  follow_up_id uuid NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
  author_id    text NOT NULL,
  comment      text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 2000),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_up_annotations_follow_up ON follow_up_annotations (follow_up_id, seq);
