import type { DataScope } from '@liaison/auth';
import type { Pool, PoolClient } from '@liaison/runtime';
import type { Customer, CustomerFields } from '../domain/customer';
import { scopeCondition } from './scope-sql';

type Queryable = Pool | PoolClient;

interface CustomerRow {
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
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = `c.id, c.seq, c.name, c.kind, c.phone, c.email, c.industry, c.source, c.star_rating,
  c.credit_limit_minor, c.credit_currency, c.owner_id, c.owner_unit, c.version,
  c.created_at, c.created_by, c.updated_at, c.updated_by`;

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    phone: row.phone,
    email: row.email,
    industry: row.industry,
    source: row.source,
    starRating: row.star_rating,
    creditLimit: row.credit_limit_minor === null ? null : { minorUnits: Number(row.credit_limit_minor), currencyCode: row.credit_currency ?? '' },
    ownerId: row.owner_id,
    ownerUnit: row.owner_unit,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function fieldValues(fields: CustomerFields): unknown[] {
  return [
    fields.name, fields.kind, fields.phone, fields.email, fields.industry, fields.source, fields.starRating,
    fields.creditLimit?.minorUnits ?? null, fields.creditLimit?.currencyCode ?? null,
  ];
}

export interface NewCustomer extends CustomerFields {
  id: string;
  ownerId: string | null;
  ownerUnit: string | null;
  createdBy: string;
  requestId: string | null;
}

export interface CustomerPage {
  customers: Customer[];
  /** seq of the last row when more rows follow. */
  nextAfterSeq: string | null;
}

export interface ListFilter {
  nameContains?: string;
  ownerId?: string;
  afterSeq?: string;
  limit: number;
}

export class CustomerRepository {
  /** Inserts; returns null when (createdBy, requestId) was already used (an idempotent retry). */
  async insert(tx: PoolClient, customer: NewCustomer): Promise<Customer | null> {
    const { rows } = await tx.query<CustomerRow>(
      `INSERT INTO customers AS c (id, name, kind, phone, email, industry, source, star_rating,
         credit_limit_minor, credit_currency, owner_id, owner_unit, created_by, updated_by, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
       ON CONFLICT ON CONSTRAINT customers_idempotency DO NOTHING
       RETURNING ${COLUMNS}`,
      [customer.id, ...fieldValues(customer), customer.ownerId, customer.ownerUnit, customer.createdBy, customer.requestId],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async findByRequestId(db: Queryable, createdBy: string, requestId: string): Promise<Customer | null> {
    const { rows } = await db.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c WHERE c.created_by = $1 AND c.request_id = $2`,
      [createdBy, requestId],
    );
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
    const where: string[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const condition = scopeCondition(scope, 1);
    values.push(...condition.values);
    where.push(condition.text);
    if (filter.afterSeq) where.push(`c.seq < ${add(filter.afterSeq)}`);
    if (filter.ownerId) where.push(`c.owner_id = ${add(filter.ownerId)}`);
    if (filter.nameContains) where.push(`c.name ILIKE ${add(`%${filter.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)}`);
    const { rows } = await db.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c WHERE ${where.join(' AND ')} ORDER BY c.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    return {
      customers: page.map(toCustomer),
      nextAfterSeq: rows.length > filter.limit ? page[page.length - 1].seq : null,
    };
  }

  async update(tx: PoolClient, id: string, fields: CustomerFields, updatedBy: string): Promise<Customer> {
    const { rows } = await tx.query<CustomerRow>(
      `UPDATE customers AS c SET name = $2, kind = $3, phone = $4, email = $5, industry = $6, source = $7,
         star_rating = $8, credit_limit_minor = $9, credit_currency = $10,
         version = c.version + 1, updated_at = now(), updated_by = $11
       WHERE c.id = $1 RETURNING ${COLUMNS}`,
      [id, ...fieldValues(fields), updatedBy],
    );
    return toCustomer(rows[0]);
  }
}
