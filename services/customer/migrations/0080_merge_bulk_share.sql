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

-- Duplicate detection keys. The name key folds what makes the same company look different:
-- NFKC (full-width letters, digits and brackets become half-width), case, one trailing legal
-- form (有限公司, 股份有限公司, "Co., Ltd." ...; Latin forms only as a separate word, so "Zinc"
-- keeps its "inc"), then every space and punctuation mark. A name that is nothing but a legal
-- form keeps it.
CREATE FUNCTION liaison_name_key(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    WITH folded AS (SELECT lower(normalize(name, NFKC)) AS text),
    stripped AS (
      SELECT text,
        regexp_replace(
          regexp_replace(text, '(股份有限公司|有限责任公司|有限公司|股份公司|公司)[\s[:punct:]]*$', ''),
          '([\s[:punct:]])(co[\s[:punct:]]*)?(ltd|limited|inc|incorporated|llc|corp|corporation|company|gmbh)[\s[:punct:]]*$', '\1') AS without_form
      FROM folded
    ),
    squeezed AS (
      SELECT regexp_replace(text, '[\s[:punct:]·、。〃〈〉《》「」『』【】〔〕〖〗“”‘’…—～]+', '', 'g') AS whole,
             regexp_replace(without_form, '[\s[:punct:]·、。〃〈〉《》「」『』【】〔〕〖〗“”‘’…—～]+', '', 'g') AS core
      FROM stripped
    )
    SELECT nullif(CASE WHEN core = '' THEN whole ELSE core END, '') FROM squeezed
  $$;

-- Phone key: the digits without a +86/0086 country code and without the trunk 0 of a landline,
-- so "+86 21 6888 8888" and "021-68888888" agree; shorter than 7 digits is no key at all.
CREATE FUNCTION liaison_phone_key(phone text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT CASE WHEN char_length(key) >= 7 THEN key END
    FROM (
      SELECT regexp_replace(regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(00)?86(?=[0-9]{9,11}$)', ''), '^0', '') AS key
    ) AS digits
  $$;

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
