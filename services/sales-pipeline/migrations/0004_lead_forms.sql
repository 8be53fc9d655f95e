-- Web forms that capture leads (SAL-01): a form on a company's website posts to the public API
-- with the form's key. Its leads get the form's source and go by the assignment rules of the
-- form's unit (or wait unassigned there).
CREATE TABLE lead_forms (
  id          uuid PRIMARY KEY,
  -- The public id in the form's URL: random, URL-safe; not a secret, but unguessable.
  key         text NOT NULL UNIQUE CHECK (key ~ '^[A-Za-z0-9_-]{20,64}$'),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  source      text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 50),
  unit        text NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  version     bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL
);

ALTER TABLE leads ADD COLUMN form_id uuid REFERENCES lead_forms (id);
