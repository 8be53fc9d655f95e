-- CUS-18: base data (基础数据), the admin-maintained lists customers choose from. Customers
-- store an entry's name, as the API carries names; the code is the stable key for imports,
-- integrations and events. Cities hang off their province by the province's code.
CREATE TABLE base_data (
  kind        text NOT NULL CHECK (kind IN ('source', 'industry', 'nature', 'target_flag', 'province', 'city')),
  code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  name_en     text CHECK (char_length(name_en) BETWEEN 1 AND 100),
  sort_order  integer NOT NULL DEFAULT 0,
  enabled     boolean NOT NULL DEFAULT true,
  parent_code text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL,
  PRIMARY KEY (kind, code),
  CONSTRAINT base_data_parent CHECK ((kind = 'city') = (parent_code IS NOT NULL))
);

-- Names identify entries for customers, so they are unique where customers look them up.
CREATE UNIQUE INDEX base_data_name ON base_data (kind, coalesce(parent_code, ''), name);
CREATE INDEX base_data_children ON base_data (parent_code, sort_order) WHERE kind = 'city';

-- Seeds are applied once per version (src/seed-data), so an entry an administrator deleted
-- does not come back at the next start.
CREATE TABLE base_data_seeds (
  version    integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- The in-use checks count customers by these values.
CREATE INDEX customers_source ON customers (source) WHERE source IS NOT NULL;
CREATE INDEX customers_industry ON customers (industry) WHERE industry IS NOT NULL;
CREATE INDEX customers_nature ON customers (nature) WHERE nature IS NOT NULL;
