import { splitFollowed, type DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import type { Customer, CustomerFields } from '../domain/customer';
import type { Category } from '../domain/lifecycle';
import { scopeCondition } from './scope-sql';
import { sortedValues, type CustomFieldCondition } from '../domain/custom-field-values';
import { customFieldConditions } from './custom-field-repository';

export interface CustomerRow {
  id: string;
  seq: string;
  name: string;
  kind: 'company' | 'person';
  phone: string | null;
  email: string | null;
  industry: string | null;
  source: string | null;
  star_rating: number;
  credit_limit_minor: string | null;
  credit_currency: string | null;
  owner_id: string | null;
  owner_unit: string | null;
  category: Category;
  nature: string | null;
  province: string | null;
  city: string | null;
  is_target: boolean;
  deal_date: string | null;
  custom_fields?: Record<string, unknown>;
  version: string;
  sort_key?: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

export const COLUMNS = `c.id, c.seq, c.name, c.kind, c.phone, c.email, c.industry, c.source, c.star_rating,
  c.credit_limit_minor, c.credit_currency, c.owner_id, c.owner_unit, c.category, c.nature,
  c.province, c.city, c.is_target, to_char(c.deal_date, 'YYYY-MM-DD') AS deal_date, c.version,
  c.created_at, c.created_by, c.updated_at, c.updated_by, c.custom_fields`;

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    phone: row.phone,
    email: row.email,
    industry: row.industry,
    source: row.source,
    starRating: row.star_rating,
    creditLimit:
      row.credit_limit_minor === null ? null : { minorUnits: Number(row.credit_limit_minor), currencyCode: row.credit_currency ?? '' },
    nature: row.nature,
    province: row.province,
    city: row.city,
    isTarget: row.is_target,
    customFields: sortedValues(row.custom_fields),
    category: row.category,
    dealDate: row.deal_date,
    ownerId: row.owner_id,
    ownerUnit: row.owner_unit,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

// The order of the $n placeholders in insert and update below.
function fieldValues(fields: CustomerFields): unknown[] {
  return [
    fields.name,
    fields.kind,
    fields.phone,
    fields.email,
    fields.industry,
    fields.source,
    fields.starRating,
    fields.creditLimit?.minorUnits ?? null,
    fields.creditLimit?.currencyCode ?? null,
    fields.nature,
    fields.province,
    fields.city,
    fields.isTarget,
  ];
}

export interface NewCustomer extends CustomerFields {
  id: string;
  category: Category;
  ownerId: string | null;
  ownerUnit: string | null;
  createdBy: string;
  requestId: string | null;
}

export type SortOrder = 'newest' | 'oldest' | 'name' | 'stars' | 'updated';

/** Where the previous page ended: the sort key and seq of its last row. */
export interface PageCursor {
  key: string;
  seq: string;
}

export interface CustomerPage {
  customers: Customer[];
  /** Set when more rows follow. */
  next: PageCursor | null;
}

export interface ListFilter {
  nameContains?: string;
  phoneDigits?: string;
  ownerId?: string;
  categories?: Category[];
  natures?: string[];
  sources?: string[];
  industries?: string[];
  provinces?: string[];
  cities?: string[];
  minStars?: number;
  maxStars?: number;
  onlyTargets?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  dealDateFrom?: string;
  dealDateTo?: string;
  customFields?: CustomFieldCondition[];
  sort: SortOrder;
  after?: PageCursor;
  limit: number;
}

// Keyset paging for every sort: the key expression, its SQL type for the cursor value, and the
// direction. seq breaks ties, so pages never skip or repeat rows that share a key.
const SORTS: Record<SortOrder, { key: string; type: string; descending: boolean }> = {
  newest: { key: 'c.seq', type: 'bigint', descending: true },
  oldest: { key: 'c.seq', type: 'bigint', descending: false },
  name: { key: 'c.name COLLATE "zh-x-icu"', type: 'text', descending: false },
  stars: { key: 'c.star_rating', type: 'smallint', descending: true },
  updated: { key: 'c.updated_at', type: 'timestamptz', descending: true },
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export class CustomerRepository {
  /** Inserts; returns null when (createdBy, requestId) was already used (an idempotent retry). */
  async insert(tx: PoolClient, customer: NewCustomer): Promise<Customer | null> {
    const { rows } = await tx.query<CustomerRow>(
      `INSERT INTO customers AS c (id, name, kind, phone, email, industry, source, star_rating,
         credit_limit_minor, credit_currency, nature, province, city, is_target,
         owner_id, owner_unit, created_by, updated_by, request_id, category, custom_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20::jsonb)
       ON CONFLICT ON CONSTRAINT customers_idempotency DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        customer.id,
        ...fieldValues(customer),
        customer.ownerId,
        customer.ownerUnit,
        customer.createdBy,
        customer.requestId,
        customer.category,
        JSON.stringify(customer.customFields),
      ],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async findByRequestId(db: Queryable, createdBy: string, requestId: string): Promise<Customer | null> {
    const { rows } = await db.query<CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.created_by = $1 AND c.request_id = $2`, [
      createdBy,
      requestId,
    ]);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  /** Reads one customer inside the scope; `forUpdate` locks the row for the caller's transaction. */
  async findInScope(db: Queryable, id: string, scope: DataScope, forUpdate = false): Promise<Customer | null> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c WHERE c.id = $1 AND ${condition.text}${forUpdate ? ' FOR UPDATE' : ''}`,
      [id, ...condition.values],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async list(db: Queryable, scope: DataScope, filter: ListFilter): Promise<CustomerPage> {
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const sort = SORTS[filter.sort];
    const direction = sort.descending ? 'DESC' : 'ASC';
    const conditions = filterConditions(filter, add);
    if (filter.after) {
      const cmp = sort.descending ? '<' : '>';
      conditions.push(`(${sort.key}, c.seq) ${cmp} (${add(filter.after.key)}::${sort.type}, ${add(filter.after.seq)}::bigint)`);
    }
    const limit = add(filter.limit + 1);
    const pageOf = (scopeText: string) =>
      `SELECT ${COLUMNS}, ${sort.key} AS sort_value, (${sort.key})::text AS sort_key FROM customers c
       WHERE ${[scopeText, ...conditions].join(' AND ')}
       ORDER BY ${sort.key} ${direction}, c.seq ${direction} LIMIT ${limit}`;
    const followed = splitFollowed(scope);
    let sql: string;
    if (followed) {
      // Owned and followed-only customers as two ordered branches (see splitFollowed).
      const owned = scopeCondition(followed.owned, values.length + 1);
      values.push(...owned.values);
      const followedOnly = `c.deleted_at IS NULL AND c.follower_id = ${add(followed.followerId)} AND NOT COALESCE(${owned.text}, false)`;
      sql = `SELECT * FROM ((${pageOf(owned.text)}) UNION ALL (${pageOf(followedOnly)})) AS c
             ORDER BY sort_value ${direction}, seq ${direction} LIMIT ${limit}`;
    } else {
      const condition = scopeCondition(scope, values.length + 1);
      values.push(...condition.values);
      sql = pageOf(condition.text);
    }
    const { rows } = await db.query<CustomerRow>(sql, values);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      customers: page.map(toCustomer),
      next: rows.length > filter.limit ? { key: last.sort_key ?? '', seq: last.seq } : null,
    };
  }

  async update(tx: PoolClient, id: string, fields: CustomerFields, updatedBy: string): Promise<Customer> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET name = $2, kind = $3, phone = $4, email = $5, industry = $6, source = $7,
         star_rating = $8, credit_limit_minor = $9, credit_currency = $10, nature = $11, province = $12,
         city = $13, is_target = $14, version = c.version + 1, updated_at = now(), updated_by = $15, custom_fields = $16::jsonb
       WHERE c.id = $1 RETURNING ${COLUMNS}`,
      [id, ...fieldValues(fields), updatedBy, JSON.stringify(fields.customFields)],
    );
    return toCustomer(rows[0]);
  }

  async changeCategory(tx: PoolClient, id: string, category: Category, dealDate: string | null, updatedBy: string): Promise<Customer> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET category = $2, deal_date = COALESCE($3::date, c.deal_date),
         version = c.version + 1, updated_at = now(), updated_by = $4
       WHERE c.id = $1 RETURNING ${COLUMNS}`,
      [id, category, dealDate, updatedBy],
    );
    return toCustomer(rows[0]);
  }

  async recordHistory(tx: PoolClient, customerId: string, changedBy: string, changes: HistoryEntry[]): Promise<void> {
    if (changes.length === 0) return;
    const values: unknown[] = [];
    const tuples = changes.map((change) => {
      values.push(
        customerId,
        change.field,
        JSON.stringify(change.oldValue ?? null),
        JSON.stringify(change.newValue ?? null),
        change.reason ?? null,
        changedBy,
      );
      const n = values.length;
      return `($${n - 5}, $${n - 4}, $${n - 3}::jsonb, $${n - 2}::jsonb, $${n - 1}, $${n})`;
    });
    await tx.query(
      `INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

export interface HistoryEntry {
  field: string;
  oldValue: unknown;
  newValue: unknown;
  reason?: string;
}

function filterConditions(filter: ListFilter, add: (value: unknown) => string): string[] {
  const where: string[] = [];
  const anyOf = (column: string, list: unknown[] | undefined) => {
    if (list?.length) where.push(`${column} = ANY(${add(list)})`);
  };
  if (filter.ownerId) where.push(`c.owner_id = ${add(filter.ownerId)}`);
  if (filter.nameContains) {
    // The bigram containment lets the GIN index narrow first; ILIKE keeps the exact semantics.
    if ([...filter.nameContains].length >= 2) where.push(`c.name_bigrams @> liaison_bigrams(${add(filter.nameContains)})`);
    where.push(`c.name ILIKE ${add(`%${escapeLike(filter.nameContains)}%`)}`);
  }
  if (filter.phoneDigits) where.push(`c.phone_digits LIKE ${add(`%${filter.phoneDigits}%`)}`);
  anyOf('c.category', filter.categories);
  anyOf('c.nature', filter.natures);
  anyOf('c.source', filter.sources);
  anyOf('c.industry', filter.industries);
  anyOf('c.province', filter.provinces);
  anyOf('c.city', filter.cities);
  if (filter.minStars) where.push(`c.star_rating >= ${add(filter.minStars)}`);
  if (filter.maxStars) where.push(`c.star_rating <= ${add(filter.maxStars)}`);
  if (filter.onlyTargets) where.push('c.is_target');
  if (filter.createdFrom) where.push(`c.created_at >= ${add(filter.createdFrom)}`);
  if (filter.createdTo) where.push(`c.created_at < ${add(filter.createdTo)}`);
  if (filter.dealDateFrom) where.push(`c.deal_date >= ${add(filter.dealDateFrom)}::date`);
  if (filter.dealDateTo) where.push(`c.deal_date <= ${add(filter.dealDateTo)}::date`);
  where.push(...customFieldConditions(filter.customFields, add));
  return where;
}
