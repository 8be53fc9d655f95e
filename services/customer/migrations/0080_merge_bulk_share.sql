-- CUS-10 merge, CUS-20 bulk delete/restore, partner sharing.
--
-- A deleted customer keeps its row (deleted_at set) so that an administrator can restore it; a
-- merged customer is deleted too, and merged_into names its survivor. Every scoped read hides
-- rows with deleted_at set (src/persistence/scope-sql.ts), so one column decides visibility.
ALTER TABLE customers
  ADD COLUMN deleted_at    timestamptz,
  ADD COLUMN deleted_by    text,
  ADD COLUMN delete_reason text CHECK (char_length(delete_reason) <= 500),
  ADD COLUMN merged_into   uuid REFERENCES customers (id),
  ADD CONSTRAINT customers_merged_is_deleted CHECK (merged_into IS NULL OR deleted_at IS NOT NULL);

-- The recycle bin pages by deletion time; live rows are not in this index at all.
CREATE INDEX customers_deleted ON customers (deleted_at DESC, seq DESC) WHERE deleted_at IS NOT NULL;
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- Duplicate detection keys: liaison_name_key and liaison_phone_key (what they fold is said
-- where they are defined, libs/platform/src/matching-keys.ts, run before every service's own
-- migrations, so that leads of the sales pipeline match customers by the same rules).
ALTER TABLE customers
  ADD COLUMN name_key  text GENERATED ALWAYS AS (liaison_name_key(name)) STORED,
  ADD COLUMN phone_key text GENERATED ALWAYS AS (liaison_phone_key(phone)) STORED;

CREATE INDEX customers_name_key ON customers (name_key) WHERE deleted_at IS NULL;
CREATE INDEX customers_phone_key ON customers (phone_key) WHERE deleted_at IS NULL;
CREATE INDEX customers_email_key ON customers (lower(email)) WHERE deleted_at IS NULL;

-- Who shared a customer with a partner organisation, and when.
ALTER TABLE customer_shares
  ADD COLUMN IF NOT EXISTS shared_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN IF NOT EXISTS shared_by text;

-- A merge moves a customer's rows by updating their customer_id. A table that refers to such a
-- row by a composite key including customer_id (contact_relations → contacts (customer_id, id))
-- must follow that update, or the merge would break its foreign key: such keys cascade updates.
-- Tables created later must declare ON UPDATE CASCADE themselves (services/customer/README.md).
DO $$
DECLARE
  dependent record;
BEGIN
  FOR dependent IN
    SELECT con.oid, con.conname, con.conrelid::regclass AS on_table, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    WHERE con.contype = 'f' AND con.confupdtype = 'a' AND array_length(con.confkey, 1) > 1
      AND EXISTS (
        SELECT 1 FROM pg_constraint parent
        WHERE parent.contype = 'f' AND parent.conrelid = con.confrelid
          AND parent.confrelid = 'customers'::regclass AND array_length(parent.conkey, 1) = 1
          AND parent.conkey[1] = ANY(con.confkey)
      )
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', dependent.on_table, dependent.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', dependent.on_table, dependent.conname,
      regexp_replace(dependent.definition, '(REFERENCES [^(]+\([^)]*\)( MATCH \w+)?)', '\1 ON UPDATE CASCADE'));
  END LOOP;
END
$$;
