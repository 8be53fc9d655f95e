-- Duplicate check of leads (SAL-01), on the matching keys every service shares (libs/platform
-- matching-keys: liaison_name_key, liaison_phone_key): the company's name (a private buyer's
-- name alone says too little), the phone and the e-mail.
ALTER TABLE leads
  ADD COLUMN name_key  text GENERATED ALWAYS AS (liaison_name_key(nullif(company_name, ''))) STORED,
  ADD COLUMN phone_key text GENERATED ALWAYS AS (liaison_phone_key(nullif(phone, ''))) STORED,
  ADD COLUMN email_key text GENERATED ALWAYS AS (nullif(lower(email), '')) STORED;

CREATE INDEX leads_name_key ON leads (name_key) WHERE name_key IS NOT NULL;
CREATE INDEX leads_phone_key ON leads (phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX leads_email_key ON leads (email_key) WHERE email_key IS NOT NULL;
