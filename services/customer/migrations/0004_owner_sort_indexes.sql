-- A rep's searches are always "my customers, sorted by …": with a million rows the planner
-- otherwise walks a global sort index and filters by owner. One index per sort order, led by
-- the owner, keeps every such page an index range scan.
CREATE INDEX customers_owner_stars ON customers (owner_id, star_rating DESC, seq DESC);
CREATE INDEX customers_owner_updated ON customers (owner_id, updated_at DESC, seq DESC);
CREATE INDEX customers_owner_name ON customers (owner_id, (name COLLATE "zh-x-icu"), seq);
