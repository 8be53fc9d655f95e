-- CUS-14: customer import jobs, their staged rows and per-row errors.
--
-- An upload is parsed and checked row by row while it streams in; good rows are COPYed into
-- customer_import_rows (unlogged: it is scratch space, rebuilt from the file if ever lost), bad
-- rows into customer_import_errors. The job then moves the staged rows into customers chunk by
-- chunk, one transaction each, recording after each chunk how far it got (next_row), so that a
-- failure leaves every committed chunk in place and says exactly which rows were done.
CREATE TABLE customer_imports (
  id             uuid PRIMARY KEY,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  file_name      text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 255),
  format         text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  encoding       text,
  duplicates     text NOT NULL CHECK (duplicates IN ('skip', 'update', 'create')),
  duplicate_key  text NOT NULL CHECK (duplicate_key IN ('name_phone', 'name', 'phone', 'email')),
  assign_to      text NOT NULL CHECK (assign_to IN ('importer', 'pool')),
  status         text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  total          bigint NOT NULL DEFAULT 0,
  -- Staged rows with row_no below next_row are decided (committed chunks).
  next_row       bigint NOT NULL DEFAULT 1,
  imported       bigint NOT NULL DEFAULT 0,
  updated        bigint NOT NULL DEFAULT 0,
  skipped        bigint NOT NULL DEFAULT 0,
  failed         bigint NOT NULL DEFAULT 0,
  assigned       bigint NOT NULL DEFAULT 0,
  unassigned     bigint NOT NULL DEFAULT 0,
  error          text,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  -- Touched by every chunk; a queued or running job silent for long was orphaned by a crash.
  heartbeat_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_imports_creator ON customer_imports (created_by, seq DESC);
CREATE INDEX customer_imports_unfinished ON customer_imports (heartbeat_at) WHERE status IN ('queued', 'running');

CREATE UNLOGGED TABLE customer_import_rows (
  import_id          uuid NOT NULL REFERENCES customer_imports (id) ON DELETE CASCADE,
  row_no             bigint NOT NULL,
  id                 uuid NOT NULL,
  name               text NOT NULL,
  kind               text NOT NULL,
  phone              text,
  phone_digits       text NOT NULL,
  email              text,
  industry           text,
  source             text,
  star_rating        smallint NOT NULL,
  credit_limit_minor bigint,
  credit_currency    char(3),
  nature             text,
  province           text,
  city               text,
  is_target          boolean NOT NULL,
  category           text NOT NULL,
  owned              boolean NOT NULL,
  -- Which cells the file filled: an update overwrites only those.
  filled             text[] NOT NULL,
  -- Set when an earlier row of the same file has the same duplicate key.
  repeats_row        bigint,
  PRIMARY KEY (import_id, row_no)
);

CREATE TABLE customer_import_errors (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  import_id   uuid NOT NULL REFERENCES customer_imports (id) ON DELETE CASCADE,
  row_no      bigint NOT NULL,
  column_name text NOT NULL,
  value       text,
  message     text NOT NULL
);
CREATE INDEX customer_import_errors_row ON customer_import_errors (import_id, row_no, id);

-- Duplicate lookups of imports by exact name, or name and phone digits. Phone digits alone use
-- the trigram index (equality is one of its operators); e-mail, the least common key, scans.
CREATE INDEX customers_name_phone_digits ON customers (name, phone_digits);
