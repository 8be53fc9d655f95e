-- CUS-04: contacts (联系人) of a customer and the relations between them. Contacts are soft
-- deleted (deleted_at), so every uniqueness rule below only counts live rows.
CREATE TABLE contacts (
  id            uuid PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  title         text CHECK (char_length(title) <= 100),
  department    text CHECK (char_length(department) <= 100),
  -- [{"kind": "mobile"|"office"|"other", "number": "..."}]
  phones        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phones) = 'array'),
  -- The digits of every number, numbers separated by commas (the only other character left of
  -- the JSON text, as kinds hold no digits), so a fragment never matches across two numbers.
  phone_digits  text GENERATED ALWAYS AS (regexp_replace(phones::text, '[^0-9,]', '', 'g')) STORED,
  email         text CHECK (char_length(email) <= 254),
  -- [{"kind": "wechat"|"qq"|"wecom"|"dingtalk"|"other", "handle": "..."}]
  im_accounts   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(im_accounts) = 'array'),
  address       text CHECK (char_length(address) <= 300),
  -- Month and day without the year are common in Chinese records; the birthday care rule
  -- (CUS-13) looks contacts up by month and day.
  birth_month   smallint CHECK (birth_month BETWEEN 1 AND 12),
  birth_day     smallint CHECK (birth_day BETWEEN 1 AND 31),
  birth_year    smallint CHECK (birth_year BETWEEN 1900 AND 2100),
  hobbies       text[] NOT NULL DEFAULT '{}',
  login_account text CHECK (char_length(login_account) <= 64),
  is_primary    boolean NOT NULL DEFAULT false,
  notes         text CHECK (char_length(notes) <= 2000),
  version       bigint NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    text NOT NULL,
  deleted_at    timestamptz,
  deleted_by    text,
  CONSTRAINT contacts_birthday_parts CHECK ((birth_month IS NULL) = (birth_day IS NULL) AND (birth_year IS NULL OR birth_month IS NOT NULL)),
  -- Target of the relations' composite keys, which keep both ends inside one customer.
  CONSTRAINT contacts_customer_id UNIQUE (customer_id, id)
);

CREATE INDEX contacts_customer_seq ON contacts (customer_id, seq) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX contacts_one_primary ON contacts (customer_id) WHERE is_primary AND deleted_at IS NULL;
CREATE UNIQUE INDEX contacts_login_account ON contacts (customer_id, lower(login_account))
  WHERE login_account IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_birthday ON contacts (birth_month, birth_day) WHERE deleted_at IS NULL;
-- Caller id and "who is this number" lookups across customers.
CREATE INDEX contacts_phone_trgm ON contacts USING gin (phone_digits gin_trgm_ops) WHERE deleted_at IS NULL;

-- At most one relation per ordered pair of contacts; removed together with either contact.
CREATE TABLE contact_relations (
  customer_id     uuid NOT NULL,
  from_contact_id uuid NOT NULL,
  to_contact_id   uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('reports_to', 'influences', 'other')),
  label           text CHECK (char_length(label) <= 50),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      text NOT NULL,
  PRIMARY KEY (from_contact_id, to_contact_id),
  CONSTRAINT contact_relations_not_self CHECK (from_contact_id <> to_contact_id),
  CONSTRAINT contact_relations_from FOREIGN KEY (customer_id, from_contact_id) REFERENCES contacts (customer_id, id) ON DELETE CASCADE,
  CONSTRAINT contact_relations_to FOREIGN KEY (customer_id, to_contact_id) REFERENCES contacts (customer_id, id) ON DELETE CASCADE
);

CREATE INDEX contact_relations_customer ON contact_relations (customer_id);
CREATE INDEX contact_relations_to_contact ON contact_relations (to_contact_id);
