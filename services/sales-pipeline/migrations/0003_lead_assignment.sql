-- Lead assignment (SAL-01): rules that hand new leads round-robin to the members of a unit,
-- chosen by the lead's source and province; a lead no rule takes waits unassigned in its unit,
-- where the unit's managers see it and assign it by hand.
ALTER TABLE leads ALTER COLUMN owner_id DROP NOT NULL;

CREATE TABLE lead_assignment_rules (
  id           uuid PRIMARY KEY,
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  -- Lower first; the first enabled rule that matches a lead takes it.
  priority     integer NOT NULL CHECK (priority BETWEEN 0 AND 1000000),
  -- Empty: any source / any province.
  sources      text[] NOT NULL DEFAULT '{}',
  provinces    text[] NOT NULL DEFAULT '{}',
  unit         text NOT NULL,
  -- User ids, in turn order; the next lead goes to members[next_member + 1].
  members      text[] NOT NULL CHECK (cardinality(members) BETWEEN 1 AND 200),
  next_member  integer NOT NULL DEFAULT 0,
  enabled      boolean NOT NULL DEFAULT true,
  version      bigint NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL
);
CREATE INDEX lead_assignment_rules_order ON lead_assignment_rules (priority, created_at) WHERE enabled;

-- Who was given the lead by which rule (null: by hand or at creation).
ALTER TABLE leads ADD COLUMN assigned_by_rule uuid REFERENCES lead_assignment_rules (id) ON DELETE SET NULL;
