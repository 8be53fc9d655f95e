-- CUS-11/CUS-19: the event-fed projection behind the customer 360 view. Other services' events
-- (liaison.sales.v1, liaison.service.v1) and the customer's own follow-ups become facts keyed by
-- their own ids; the per-customer summary (figures, value score, credit risk) is recomputed from
-- the facts whenever one changes, so redeliveries and out-of-order arrivals converge to the same
-- row. Everything is keyed by customer id; merges and deletions (out of scope) cascade.

-- One row per order, payment, opportunity, service request or follow-up the projection heard of.
-- started_at is when it was placed / received / opened / occurred, NULL while only its end is
-- known (a cancellation or close that overtook its start); ended_at is when it was cancelled /
-- closed / deleted. Payments never end.
CREATE TABLE customer_facts (
  kind          text NOT NULL CHECK (kind IN ('order', 'payment', 'opportunity', 'service_request', 'follow_up')),
  ref_id        text NOT NULL CHECK (char_length(ref_id) BETWEEN 1 AND 100),
  customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  amount_minor  bigint,
  currency      char(3),
  started_at    timestamptz,
  ended_at      timestamptz,
  -- Opportunities: won or lost once closed.
  outcome       text CHECK (outcome IN ('won', 'lost')),
  PRIMARY KEY (kind, ref_id)
);
CREATE INDEX customer_facts_customer ON customer_facts (customer_id, kind);

-- The figures of the 360 view, one row per customer that has had any projected event. Windows
-- (this year, last 12 months, recency) are as of computed_at.
CREATE TABLE customer_summary (
  customer_id                   uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  currency                      char(3) NOT NULL DEFAULT 'CNY',
  order_count                   integer NOT NULL DEFAULT 0,
  order_amount_minor            bigint NOT NULL DEFAULT 0,
  order_count_this_year         integer NOT NULL DEFAULT 0,
  order_amount_this_year_minor  bigint NOT NULL DEFAULT 0,
  largest_order_minor           bigint NOT NULL DEFAULT 0,
  largest_order_id              text,
  last_order_at                 timestamptz,
  orders_last_12m               integer NOT NULL DEFAULT 0,
  order_amount_last_12m_minor   bigint NOT NULL DEFAULT 0,
  received_minor                bigint NOT NULL DEFAULT 0,
  outstanding_minor             bigint NOT NULL DEFAULT 0,
  overdue_days                  integer NOT NULL DEFAULT 0,
  -- as_of of the receivable balance applied; an older one arriving later is ignored.
  balance_as_of                 timestamptz,
  open_opportunities            integer NOT NULL DEFAULT 0,
  total_opportunities           integer NOT NULL DEFAULT 0,
  follow_up_count               integer NOT NULL DEFAULT 0,
  follow_ups_last_12m           integer NOT NULL DEFAULT 0,
  last_follow_up_at             timestamptz,
  open_service_requests         integer NOT NULL DEFAULT 0,
  total_service_requests        integer NOT NULL DEFAULT 0,
  last_activity_at              timestamptz,
  value_score                   smallint NOT NULL DEFAULT 0 CHECK (value_score BETWEEN 0 AND 100),
  value_grade                   char(1) NOT NULL DEFAULT 'D' CHECK (value_grade IN ('A', 'B', 'C', 'D')),
  recency_points                smallint NOT NULL DEFAULT 0,
  frequency_points              smallint NOT NULL DEFAULT 0,
  monetary_points               smallint NOT NULL DEFAULT 0,
  recency_days                  integer NOT NULL DEFAULT -1,
  credit_risk                   text NOT NULL DEFAULT 'none' CHECK (credit_risk IN ('none', 'watch', 'high')),
  credit_reasons                text[] NOT NULL DEFAULT '{}',
  computed_at                   timestamptz NOT NULL DEFAULT now()
);

-- One entry per projected event, newest first per customer. A second event about the same
-- order, payment… and kind (a producer's retry with a new event id) adds no second entry.
CREATE TABLE customer_timeline (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id     uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  event_id        text NOT NULL UNIQUE,
  at              timestamptz NOT NULL,
  kind            text NOT NULL,
  section         text NOT NULL CHECK (section IN ('customer', 'follow_ups', 'trade', 'finance', 'service')),
  title           text NOT NULL CHECK (char_length(title) <= 300),
  source_service  text NOT NULL,
  ref_id          text,
  amount_minor    bigint,
  currency        char(3)
);
CREATE INDEX customer_timeline_page ON customer_timeline (customer_id, at DESC, id DESC);
CREATE UNIQUE INDEX customer_timeline_once_per_ref ON customer_timeline (kind, ref_id) WHERE ref_id IS NOT NULL;
