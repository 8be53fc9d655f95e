-- Leads (线索, SAL-01). Owned like customers: the owner and the owner's org unit decide who sees
-- a lead (libs/auth data scope). seq orders lists newest first and pages them.
CREATE TABLE leads (
  id                 uuid PRIMARY KEY,
  seq                bigserial UNIQUE NOT NULL,
  contact_name       text NOT NULL CHECK (char_length(contact_name) BETWEEN 1 AND 100),
  company_name       text NOT NULL DEFAULT '' CHECK (char_length(company_name) <= 200),
  phone              text NOT NULL DEFAULT '',
  email              text NOT NULL DEFAULT '',
  source             text NOT NULL DEFAULT '' CHECK (char_length(source) <= 50),
  province           text NOT NULL DEFAULT '',
  city               text NOT NULL DEFAULT '',
  description        text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  status             text NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'contacted', 'qualified', 'disqualified', 'converted')),
  disqualify_reason  text CHECK (disqualify_reason IN ('invalid_contact', 'no_need', 'no_budget', 'chose_competitor', 'duplicate', 'other')),
  status_note        text NOT NULL DEFAULT '' CHECK (char_length(status_note) <= 500),
  owner_id           text NOT NULL,
  owner_unit         text,
  version            bigint NOT NULL DEFAULT 1,
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         text NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  updated_by         text NOT NULL,
  CHECK (phone <> '' OR email <> ''),
  CHECK ((status = 'disqualified') = (disqualify_reason IS NOT NULL))
);

-- A rep's own list, a manager's units, and the status filter, each newest first.
CREATE INDEX leads_owner_seq ON leads (owner_id, seq DESC);
CREATE INDEX leads_unit_seq ON leads (owner_unit text_pattern_ops, seq DESC);
CREATE INDEX leads_status_seq ON leads (status, seq DESC);
