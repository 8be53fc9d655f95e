-- CUS-07 transfer approval and CUS-15 employee handover (员工异动交接).

-- Whether a transfer by anyone but an admin opens an approval instead of moving the customers.
CREATE TABLE transfer_settings (
  singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  approval_required  boolean NOT NULL DEFAULT false,
  version            bigint NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         text NOT NULL DEFAULT 'system'
);
INSERT INTO transfer_settings DEFAULT VALUES;

-- A customer is in at most one pending transfer approval. The approvals library keeps one
-- pending request per subject, but a transfer request names up to 200 customers and has only
-- one subject; rows are removed when the request is approved, rejected or withdrawn.
CREATE TABLE pending_transfer_customers (
  customer_id  uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  approval_id  uuid NOT NULL
);
CREATE INDEX pending_transfer_customers_approval ON pending_transfer_customers (approval_id);

ALTER TABLE customer_ownership_history DROP CONSTRAINT IF EXISTS customer_ownership_history_kind_check;
ALTER TABLE customer_ownership_history ADD CONSTRAINT customer_ownership_history_kind_check
  CHECK (kind IN ('create', 'claim', 'release', 'assign', 'transfer', 'return_to_pool', 'handover'));

-- One row per handover; successors holds [{userId, unit, customerCount, followedCount}].
-- from_units / to_units: the owner units the customers left and entered, for the managers' scope.
CREATE TABLE handovers (
  id                       uuid PRIMARY KEY,
  seq                      bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  from_user_id             text NOT NULL,
  successors               jsonb NOT NULL,
  successor_ids            text[] NOT NULL,
  from_units               text[] NOT NULL DEFAULT '{}',
  to_units                 text[] NOT NULL,
  all_customers            boolean NOT NULL,
  distribution             text NOT NULL CHECK (distribution IN ('even', 'mapping')),
  rewrite_creator          boolean NOT NULL,
  reason                   text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  customer_count           integer NOT NULL,
  followed_count           integer NOT NULL,
  creator_rewritten_count  integer NOT NULL,
  actor_id                 text NOT NULL,
  actor_name               text NOT NULL,
  request_id               text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT handovers_idempotency UNIQUE (actor_id, request_id)
);
CREATE INDEX handovers_from_user ON handovers (from_user_id, seq DESC);
CREATE INDEX handovers_actor ON handovers (actor_id, seq DESC);
