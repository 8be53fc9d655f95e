-- CUS-17: custom fields (字段扩展). Definitions are admin-maintained; customers keep their
-- values in one jsonb object by definition key, GIN-indexed for the equality and containment
-- filters of the customer search.
CREATE TABLE custom_field_definitions (
  key              text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label            text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 50),
  type             text NOT NULL CHECK (type IN ('text', 'number', 'date', 'option', 'multi_option', 'reference')),
  required         boolean NOT NULL DEFAULT false,
  -- [{"value": "...", "label": "..."}]
  options          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
  reference_target text CHECK (reference_target IN ('customer', 'contact')),
  -- {"maxLength": n, "min": x, "max": y, "decimals": n, "minDate": "...", "maxDate": "..."}
  constraints      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(constraints) = 'object'),
  enabled          boolean NOT NULL DEFAULT true,
  sort_order       integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  updated_by       text NOT NULL,
  CONSTRAINT custom_field_reference_target CHECK ((type = 'reference') = (reference_target IS NOT NULL))
);
-- Labels name the columns of imports and exports, so they must tell fields apart.
CREATE UNIQUE INDEX custom_field_definitions_label ON custom_field_definitions (label);

ALTER TABLE customers
  ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object');
-- jsonb_ops (not jsonb_path_ops): the in-use checks ask for a key with `?` as well.
CREATE INDEX customers_custom_fields ON customers USING gin (custom_fields);
