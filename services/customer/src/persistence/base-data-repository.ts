import { AppError, type PoolClient, type Queryable } from '@liaison/runtime';
import type { BaseDataEntry, BaseDataKind, EntryChanges, NewBaseDataEntry } from '../domain/base-data';

interface EntryRow {
  kind: BaseDataKind;
  code: string;
  name: string;
  name_en: string | null;
  sort_order: number;
  enabled: boolean;
  parent_code: string | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS =
  'b.kind, b.code, b.name, b.name_en, b.sort_order, b.enabled, b.parent_code, b.created_at, b.created_by, b.updated_at, b.updated_by';
const ORDER = 'b.sort_order, b.code';

function toEntry(row: EntryRow): BaseDataEntry {
  return {
    kind: row.kind,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    sortOrder: row.sort_order,
    enabled: row.enabled,
    parentCode: row.parent_code,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** A name a customer carries, to be found among the enabled entries (cities within their province). */
export interface NameLookup {
  kind: BaseDataKind;
  name: string;
  provinceName?: string;
}

// The customer column each kind's names are stored in; target flags are on no customer column.
const CUSTOMER_COLUMN: Partial<Record<BaseDataKind, string>> = {
  source: 'source',
  industry: 'industry',
  nature: 'nature',
  province: 'province',
};

const UNIQUE_VIOLATION = '23505';

function conflictOf(error: unknown): AppError | undefined {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError?.code !== UNIQUE_VIOLATION) return undefined;
  return pgError.constraint === 'base_data_name'
    ? new AppError('already_exists', 'another entry of this kind has that name', [{ field: 'name', message: 'is taken' }], 'name_taken')
    : new AppError('already_exists', 'an entry of this kind has that code', [{ field: 'code', message: 'is taken' }], 'code_taken');
}

export class BaseDataRepository {
  async list(db: Queryable, kind: BaseDataKind, includeDisabled: boolean, parentCode?: string): Promise<BaseDataEntry[]> {
    const { rows } = await db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM base_data b
       WHERE b.kind = $1 AND ($2 OR b.enabled) AND ($3::text IS NULL OR b.parent_code = $3)
       ORDER BY ${ORDER}`,
      [kind, includeDisabled, parentCode ?? null],
    );
    return rows.map(toEntry);
  }

  async listRegions(db: Queryable, includeDisabled: boolean): Promise<BaseDataEntry[]> {
    const { rows } = await db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM base_data b WHERE b.kind IN ('province', 'city') AND ($1 OR b.enabled) ORDER BY ${ORDER}`,
      [includeDisabled],
    );
    return rows.map(toEntry);
  }

  /** `forUpdate` locks the entry, so that no customer takes it up while it changes. */
  async find(db: Queryable, kind: BaseDataKind, code: string, forUpdate = false): Promise<BaseDataEntry | null> {
    const { rows } = await db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM base_data b WHERE b.kind = $1 AND b.code = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [kind, code],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async findMany(db: Queryable, keys: { kind: BaseDataKind; code: string }[], forUpdate = false): Promise<BaseDataEntry[]> {
    if (keys.length === 0) return [];
    const { rows } = await db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM base_data b
       WHERE (b.kind, b.code) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY b.kind, b.code${forUpdate ? ' FOR UPDATE' : ''}`,
      [keys.map((key) => key.kind), keys.map((key) => key.code)],
    );
    return rows.map(toEntry);
  }

  async listAll(db: Queryable): Promise<BaseDataEntry[]> {
    const { rows } = await db.query<EntryRow>(`SELECT ${COLUMNS} FROM base_data b ORDER BY b.kind, ${ORDER}`);
    return rows.map(toEntry);
  }

  /** Inserts in one statement; a name or code taken meanwhile fails the whole batch. */
  async insertMany(tx: PoolClient, entries: NewBaseDataEntry[], by: string): Promise<BaseDataEntry[]> {
    if (entries.length === 0) return [];
    const column = <K extends keyof NewBaseDataEntry>(key: K) => entries.map((entry) => entry[key]);
    try {
      const { rows } = await tx.query<EntryRow>(
        `INSERT INTO base_data AS b (kind, code, name, name_en, sort_order, parent_code, created_by, updated_by)
         SELECT kind, code, name, name_en, sort_order, parent_code, $7, $7
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) WITH ORDINALITY AS s(kind, code, name, name_en, sort_order, parent_code, n)
         ORDER BY n
         RETURNING ${COLUMNS}`,
        [column('kind'), column('code'), column('name'), column('nameEn'), column('sortOrder'), column('parentCode'), by],
      );
      return rows.map(toEntry);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  /** Sets name, English name and sort order of existing entries in one statement. */
  async updateMany(
    tx: PoolClient,
    entries: Pick<BaseDataEntry, 'kind' | 'code' | 'name' | 'nameEn' | 'sortOrder'>[],
    by: string,
  ): Promise<BaseDataEntry[]> {
    if (entries.length === 0) return [];
    const column = <K extends keyof (typeof entries)[number]>(key: K) => entries.map((entry) => entry[key]);
    try {
      const { rows } = await tx.query<EntryRow>(
        `UPDATE base_data AS b SET name = s.name, name_en = s.name_en, sort_order = s.sort_order, updated_at = now(), updated_by = $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS s(kind, code, name, name_en, sort_order)
         WHERE b.kind = s.kind AND b.code = s.code
         RETURNING ${COLUMNS}`,
        [column('kind'), column('code'), column('name'), column('nameEn'), column('sortOrder'), by],
      );
      return rows.map(toEntry);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async findByName(db: Queryable, kind: BaseDataKind, parentCode: string | null, name: string): Promise<BaseDataEntry | null> {
    const { rows } = await db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM base_data b WHERE b.kind = $1 AND coalesce(b.parent_code, '') = $2 AND b.name = $3`,
      [kind, parentCode ?? '', name],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /**
   * The lookups that match an enabled entry (a city only within its enabled province), as
   * "kind/province/name" keys. The rows stay share-locked until the caller's transaction ends,
   * so an entry cannot be deleted, renamed or disabled under a customer being written.
   */
  async findEnabledNames(tx: PoolClient, lookups: NameLookup[]): Promise<Set<string>> {
    if (lookups.length === 0) return new Set();
    const { rows } = await tx.query<{ kind: BaseDataKind; name: string; province_name: string | null }>(
      `SELECT b.kind, b.name, p.name AS province_name FROM base_data b
       LEFT JOIN base_data p ON p.kind = 'province' AND p.code = b.parent_code
       WHERE b.enabled AND (b.kind, b.name) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND (b.kind <> 'city' OR (p.enabled AND p.name = ANY($3::text[])))
       FOR SHARE OF b`,
      [lookups.map((l) => l.kind), lookups.map((l) => l.name), lookups.map((l) => l.provinceName ?? '')],
    );
    return new Set(rows.map((row) => nameKey({ kind: row.kind, name: row.name, provinceName: row.province_name ?? undefined })));
  }

  async insert(tx: PoolClient, entry: NewBaseDataEntry, by: string): Promise<BaseDataEntry> {
    try {
      const { rows } = await tx.query<EntryRow>(
        `INSERT INTO base_data AS b (kind, code, name, name_en, sort_order, parent_code, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
        [entry.kind, entry.code, entry.name, entry.nameEn, entry.sortOrder, entry.parentCode, by],
      );
      return toEntry(rows[0]);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async update(tx: PoolClient, entry: BaseDataEntry, changes: EntryChanges, by: string): Promise<BaseDataEntry> {
    const next = { ...entry, ...changes };
    try {
      const { rows } = await tx.query<EntryRow>(
        `UPDATE base_data AS b SET name = $3, name_en = $4, sort_order = $5, enabled = $6, updated_at = now(), updated_by = $7
         WHERE b.kind = $1 AND b.code = $2 RETURNING ${COLUMNS}`,
        [entry.kind, entry.code, next.name, next.nameEn, next.sortOrder, next.enabled, by],
      );
      return toEntry(rows[0]);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async delete(tx: PoolClient, entry: BaseDataEntry): Promise<void> {
    await tx.query('DELETE FROM base_data WHERE kind = $1 AND code = $2', [entry.kind, entry.code]);
  }

  async countCities(db: Queryable, provinceCode: string): Promise<number> {
    const { rows } = await db.query<{ count: string }>("SELECT count(*) FROM base_data WHERE kind = 'city' AND parent_code = $1", [
      provinceCode,
    ]);
    return Number(rows[0].count);
  }

  /** Customers whose record carries the entry's name (for a city: within its province). */
  async countCustomersUsing(db: Queryable, entry: Pick<BaseDataEntry, 'kind' | 'name' | 'parentCode'>): Promise<number> {
    if (entry.kind === 'city') {
      const { rows } = await db.query<{ count: string }>(
        `SELECT count(*) FROM customers c
         WHERE c.city = $1 AND c.province = (SELECT p.name FROM base_data p WHERE p.kind = 'province' AND p.code = $2)`,
        [entry.name, entry.parentCode],
      );
      return Number(rows[0].count);
    }
    const column = CUSTOMER_COLUMN[entry.kind];
    if (!column) return 0;
    const { rows } = await db.query<{ count: string }>(`SELECT count(*) FROM customers c WHERE c.${column} = $1`, [entry.name]);
    return Number(rows[0].count);
  }

  /** Marks a seed version applied; false when it already was (by this or another replica). */
  async claimSeed(tx: PoolClient, version: number): Promise<boolean> {
    const { rowCount } = await tx.query('INSERT INTO base_data_seeds (version) VALUES ($1) ON CONFLICT DO NOTHING', [version]);
    return rowCount === 1;
  }

  /** Adds the entries that are missing; existing codes and names are left alone. */
  async insertMissing(tx: PoolClient, entries: NewBaseDataEntry[], by: string): Promise<number> {
    const column = <K extends keyof NewBaseDataEntry>(key: K) => entries.map((entry) => entry[key]);
    const { rowCount } = await tx.query(
      `INSERT INTO base_data (kind, code, name, name_en, sort_order, parent_code, created_by, updated_by)
       SELECT kind, code, name, name_en, sort_order, parent_code, $7, $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS s(kind, code, name, name_en, sort_order, parent_code)
       ON CONFLICT DO NOTHING`,
      [column('kind'), column('code'), column('name'), column('nameEn'), column('sortOrder'), column('parentCode'), by],
    );
    return rowCount ?? 0;
  }
}

export function nameKey(lookup: NameLookup): string {
  return `${lookup.kind}/${lookup.kind === 'city' ? (lookup.provinceName ?? '') : ''}/${lookup.name}`;
}
