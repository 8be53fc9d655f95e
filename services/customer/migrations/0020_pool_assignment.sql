-- CUS-05/06/07: the public pool, pending customers, transfers and the ownership history; the
-- return-to-pool rule and the single-fire ledger of scheduled jobs.

-- A customer without owner_id is in the pool. owned_since starts the rule's clock for a new
-- owner; last_pooled_at marks customers whose existence was public (pool readers saw them).
-- pending_since: entered through import or the pool, pending until a follow-up after that time.
ALTER TABLE customers
  ADD COLUMN IF NOT EXISTS owned_since       timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN IF NOT EXISTS last_pooled_at    timestamptz,
  ADD COLUMN IF NOT EXISTS pending_since     timestamptz,
  ADD COLUMN IF NOT EXISTS last_contacted_at timestamptz,
  ADD COLUMN IF NOT EXISTS follower_id       text,
  ADD COLUMN IF NOT EXISTS follower_unit     text;

UPDATE customers SET owned_since = created_at;
UPDATE customers SET last_pooled_at = created_at WHERE owner_id IS NULL;

CREATE INDEX customers_pool_seq ON customers (seq DESC) WHERE owner_id IS NULL;
CREATE INDEX customers_pending_seq ON customers (seq DESC) WHERE pending_since IS NOT NULL;
-- GREATEST ignores NULL: without a follow-up the clock runs from owned_since.
CREATE INDEX customers_rule_clock ON customers ((GREATEST(last_contacted_at, owned_since))) WHERE owner_id IS NOT NULL;

CREATE TABLE customer_ownership_history (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id     uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('create', 'claim', 'release', 'assign', 'transfer', 'return_to_pool')),
  from_owner_id   text,
  from_owner_unit text,
  to_owner_id     text,
  to_owner_unit   text,
  reason          text CHECK (char_length(reason) <= 500),
  actor_id        text NOT NULL,
  changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_ownership_history_customer ON customer_ownership_history (customer_id, id);

-- Every way a customer comes into being (create, import, merge) records its first owner, so the
-- history is complete without each of those use cases knowing about it.
CREATE FUNCTION customer_first_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_ownership_history (customer_id, kind, to_owner_id, to_owner_unit, actor_id, changed_at)
  VALUES (NEW.id, 'create', NEW.owner_id, NEW.owner_unit, NEW.created_by, NEW.created_at);
  RETURN NULL;
END $$;
CREATE TRIGGER customers_first_owner AFTER INSERT ON customers FOR EACH ROW EXECUTE FUNCTION customer_first_owner();

CREATE FUNCTION customer_born_in_pool() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.owner_id IS NULL THEN
    NEW.last_pooled_at := coalesce(NEW.last_pooled_at, NEW.created_at);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER customers_born_in_pool BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION customer_born_in_pool();

INSERT INTO customer_ownership_history (customer_id, kind, to_owner_id, to_owner_unit, actor_id, changed_at)
SELECT id, 'create', owner_id, owner_unit, created_by, created_at FROM customers;

-- One row, the rule in force. Disabled until an admin turns it on.
CREATE TABLE pool_rule (
  singleton            boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  enabled              boolean NOT NULL DEFAULT false,
  days_without_contact integer NOT NULL DEFAULT 30 CHECK (days_without_contact BETWEEN 1 AND 3650),
  excluded_categories  text[] NOT NULL DEFAULT '{deal}',
  version              bigint NOT NULL DEFAULT 1,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  updated_by           text NOT NULL DEFAULT 'system'
);
INSERT INTO pool_rule DEFAULT VALUES;

-- The job_runs ledger of scheduled jobs was created here; it now belongs to libs/jobs, whose own
-- migration (scope `jobs`, run before this one) creates it if it is missing.
