-- The gateway's own database: the audit trail of the public API's writes (GW-07), written with
-- its liaison.audit.v1 event in one transaction (the outbox of libs/events), and the rate-limit
-- counters every gateway replica shares.

CREATE TABLE audit_records (
  id             uuid PRIMARY KEY,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  at             timestamptz NOT NULL,
  actor_id       text NOT NULL,
  actor_name     text NOT NULL,
  client_id      text NOT NULL,
  method         text NOT NULL,
  route          text NOT NULL,
  operation_id   text NOT NULL,
  resource_type  text NOT NULL,
  resource_id    text,
  status         integer NOT NULL,
  outcome        text NOT NULL,
  trace_id       text
);
CREATE INDEX audit_records_newest ON audit_records (seq DESC);
CREATE INDEX audit_records_actor ON audit_records (actor_id, seq DESC);
CREATE INDEX audit_records_resource ON audit_records (resource_type, resource_id, seq DESC);

-- Fixed-window counters; UNLOGGED: losing them in a crash only forgets a minute of counting.
CREATE UNLOGGED TABLE rate_limit_counters (
  key           text NOT NULL,
  window_start  bigint NOT NULL,
  hits          bigint NOT NULL,
  PRIMARY KEY (key, window_start)
);
