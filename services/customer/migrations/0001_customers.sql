-- Customers, the base record of the CRM. `seq` orders pages stably (cursor = last seq seen);
-- owner_unit is the owner's org unit at assignment time, so that a manager's scope is a
-- prefix match on an indexed column rather than a join against the identity provider.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customers (
  id                  uuid PRIMARY KEY,
  seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name                text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  kind                text NOT NULL CHECK (kind IN ('company', 'person')),
  phone               text,
  email               text,
  industry            text,
  source              text,
  star_rating         smallint NOT NULL DEFAULT 0 CHECK (star_rating BETWEEN 0 AND 5),
  credit_limit_minor  bigint CHECK (credit_limit_minor >= 0),
  credit_currency     char(3),
  owner_id            text,
  owner_unit          text,
  version             bigint NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  updated_by          text NOT NULL,
  request_id          text,
  CONSTRAINT customers_credit_pair CHECK ((credit_limit_minor IS NULL) = (credit_currency IS NULL)),
  CONSTRAINT customers_idempotency UNIQUE (created_by, request_id)
);

CREATE INDEX customers_owner_seq ON customers (owner_id, seq DESC);
CREATE INDEX customers_unit_seq ON customers (owner_unit text_pattern_ops, seq DESC);
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);

-- Org units (e.g. partner organisations) a customer is shared with, read-only.
CREATE TABLE customer_shares (
  customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  unit        text NOT NULL,
  PRIMARY KEY (customer_id, unit)
);
CREATE INDEX customer_shares_unit ON customer_shares (unit);
