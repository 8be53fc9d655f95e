-- CUS-01/02/03: lifecycle category, nature, region, target flag, deal date; search support;
-- and the per-customer history of key field changes (CUS-16) written with every change.
ALTER TABLE customers
  ADD COLUMN category   text NOT NULL DEFAULT 'potential'
    CHECK (category IN ('potential', 'intentional', 'key', 'deal', 'invalid', 'shelved')),
  ADD COLUMN nature     text CHECK (char_length(nature) <= 100),
  ADD COLUMN province   text CHECK (char_length(province) <= 50),
  ADD COLUMN city       text CHECK (char_length(city) <= 50),
  ADD COLUMN is_target  boolean NOT NULL DEFAULT false,
  ADD COLUMN deal_date  date,
  -- Digits only, so "138 1234-5678" is found by "12345678" or by its last four digits.
  ADD COLUMN phone_digits text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED;

CREATE INDEX customers_category_seq ON customers (category, seq DESC);
CREATE INDEX customers_region_seq ON customers (province, city, seq DESC);
CREATE INDEX customers_phone_trgm ON customers USING gin (phone_digits gin_trgm_ops);
CREATE INDEX customers_name_pinyin ON customers ((name COLLATE "zh-x-icu"), seq);
CREATE INDEX customers_stars_seq ON customers (star_rating DESC, seq DESC);
CREATE INDEX customers_updated_seq ON customers (updated_at DESC, seq DESC);

CREATE TABLE customer_history (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  field       text NOT NULL,
  old_value   jsonb,
  new_value   jsonb,
  reason      text,
  changed_by  text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_history_customer ON customer_history (customer_id, id DESC);
