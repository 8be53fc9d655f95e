-- CUS-14 × CUS-17: custom field values travel through the import's staging table. Values are
-- checked while the file streams in; whether a row lacks a required field can only be decided
-- in the chunk, once it is known whether the row creates a customer (the API requires the
-- field on create) or updates one (absent values are kept), so those errors wait there.
ALTER TABLE customer_import_rows
  ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}',
  -- [{"column_name": "...", "message": "..."}]: refusals that apply only if the row creates a customer.
  ADD COLUMN create_errors jsonb NOT NULL DEFAULT '[]';
