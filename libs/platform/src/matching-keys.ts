import type { Migration } from '@liaison/runtime';

// The keys by which records of people and companies are matched as duplicates, in every
// PostgreSQL service's database (customers by the customer service, leads by the sales
// pipeline): one definition, so that a lead and a customer agree on what "the same company" is.
// Run before a service's own migrations (startPostgresService).

export const MATCHING_KEYS_MIGRATION_SCOPE = 'matching-keys';

export const matchingKeysMigrations: Migration[] = [
  {
    version: 1,
    name: 'name_and_phone_keys',
    sql: String.raw`
-- Duplicate detection keys. The name key folds what makes the same company look different:
-- NFKC (full-width letters, digits and brackets become half-width), case, one trailing legal
-- form (有限公司, 股份有限公司, "Co., Ltd." ...; Latin forms only as a separate word, so "Zinc"
-- keeps its "inc"), then every space and punctuation mark. A name that is nothing but a legal
-- form keeps it.
CREATE OR REPLACE FUNCTION liaison_name_key(name text) RETURNS text
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
CREATE OR REPLACE FUNCTION liaison_phone_key(phone text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT CASE WHEN char_length(key) >= 7 THEN key END
    FROM (
      SELECT regexp_replace(regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(00)?86(?=[0-9]{9,11}$)', ''), '^0', '') AS key
    ) AS digits
  $$;
`,
  },
];
