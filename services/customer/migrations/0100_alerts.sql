-- CUS-12 warnings (客户预警) and CUS-13 customer care (客户关怀): administrator rules and the
-- alerts a scheduled check records for customers' owners.

CREATE TABLE customer_alert_rules (
  id           uuid PRIMARY KEY,
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
  kind         text NOT NULL CHECK (kind IN ('no_contact', 'no_order', 'contact_birthday', 'fixed_date', 'deal_anniversary')),
  -- Warnings: days of silence (1..3650); care: days ahead of the date (0..365).
  days         integer NOT NULL CHECK (days BETWEEN 0 AND 3650),
  -- fixed_date only.
  month        smallint CHECK (month BETWEEN 1 AND 12),
  day          smallint CHECK (day BETWEEN 1 AND 31),
  -- Empty = every category.
  categories   text[] NOT NULL DEFAULT '{}',
  target_only  boolean NOT NULL DEFAULT false,
  enabled      boolean NOT NULL DEFAULT true,
  version      bigint NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL,
  CONSTRAINT customer_alert_rules_date CHECK ((kind = 'fixed_date') = (month IS NOT NULL AND day IS NOT NULL))
);
CREATE UNIQUE INDEX customer_alert_rules_name ON customer_alert_rules (lower(name));

-- One row per alert raised. `occurrence` makes an alert fire once: for warnings the moment the
-- silence is measured from (a new contact or order starts a new silence, hence a new alert), for
-- care the date it is due (once a year). The unique key is what keeps reruns, overlapping runs
-- and replicas from recording or emitting anything twice.
--
-- customer_id deliberately has no foreign key: merging customers re-points every foreign key
-- to customers, and two customers' alerts for the same rule and date would then collide and
-- block the merge. A merged (deleted) customer's alerts stay with it and drop out of every list
-- with it; the survivor gets its own at the next check. Customers are never deleted for real.
CREATE TABLE customer_alerts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  rule_id          uuid NOT NULL REFERENCES customer_alert_rules (id) ON DELETE CASCADE,
  rule_name        text NOT NULL,
  rule_kind        text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('warning', 'care')),
  customer_id      uuid NOT NULL,
  customer_name    text NOT NULL,
  contact_id       uuid,
  contact_name     text,
  -- The recipient when raised.
  owner_id         text NOT NULL,
  owner_unit       text,
  occurrence       text NOT NULL,
  -- Warnings: the (China) date the silence is measured from; deal anniversaries: the deal date.
  reference_date   date,
  -- Warnings measured from the creation, as there never was a contact or order.
  since_creation   boolean NOT NULL DEFAULT false,
  due_date         date NOT NULL,
  days             integer NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  CONSTRAINT customer_alerts_once UNIQUE NULLS NOT DISTINCT (rule_id, customer_id, contact_id, occurrence)
);
CREATE INDEX customer_alerts_customer_seq ON customer_alerts (customer_id, seq DESC);
CREATE INDEX customer_alerts_rule ON customer_alerts (rule_id);
