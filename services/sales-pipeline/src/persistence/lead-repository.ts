import { scopeSql, type DataScope } from '@liaison/auth';
import type { Queryable } from '@liaison/runtime';
import type { DisqualifyReason, Lead, LeadFields, LeadStatus, StatusChange } from '../domain/lead';

// Leads in the leads table (migrations/0002_leads.sql). Every read and write goes through the
// caller's data scope in SQL: a lead outside it is never loaded, and is answered as not found.

interface LeadRow {
  id: string;
  seq: string;
  contact_name: string;
  company_name: string;
  phone: string;
  email: string;
  source: string;
  province: string;
  city: string;
  description: string;
  status: LeadStatus;
  disqualify_reason: DisqualifyReason | null;
  status_note: string;
  owner_id: string | null;
  owner_unit: string | null;
  assigned_by_rule: string | null;
  form_id: string | null;
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = `id, seq, contact_name, company_name, phone, email, source, province, city, description, status,
  disqualify_reason, status_note, owner_id, owner_unit, assigned_by_rule, form_id, version, created_at, created_by, updated_at, updated_by`;

// LeadFields → column, for inserts and updates.
const FIELD_COLUMNS: Readonly<Record<keyof LeadFields, string>> = {
  contactName: 'contact_name',
  companyName: 'company_name',
  phone: 'phone',
  email: 'email',
  source: 'source',
  province: 'province',
  city: 'city',
  description: 'description',
};

function toLead(row: LeadRow): Lead & { seq: string } {
  return {
    id: row.id,
    seq: row.seq,
    contactName: row.contact_name,
    companyName: row.company_name,
    phone: row.phone,
    email: row.email,
    source: row.source,
    province: row.province,
    city: row.city,
    description: row.description,
    status: row.status,
    disqualifyReason: row.disqualify_reason,
    statusNote: row.status_note,
    ownerId: row.owner_id,
    ownerUnit: row.owner_unit,
    assignedByRuleId: row.assigned_by_rule,
    formId: row.form_id,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function scopeOf(scope: DataScope, firstParam: number) {
  return scopeSql(scope, { owner: 'owner_id', unit: 'owner_unit' }, firstParam);
}

export interface LeadFilter {
  statuses: LeadStatus[];
  ownerId?: string;
  source?: string;
  textContains?: string;
  /** The seq of the last lead of the previous page. */
  afterSeq?: string;
  limit: number;
}

export type DuplicateReason = 'name' | 'phone' | 'email';

export interface DuplicateRow {
  id: string;
  contactName: string;
  companyName: string;
  status: LeadStatus;
  ownerId: string | null;
  ownerUnit: string | null;
  reasons: DuplicateReason[];
}

export class LeadRepository {
  /**
   * Leads sharing a matching key with the given company name, phone or e-mail (libs/platform
   * matching-keys), of the given statuses (all when empty), most reasons first, then newest.
   */
  async duplicates(
    db: Queryable,
    given: { companyName: string; phone: string; email: string },
    statuses: readonly LeadStatus[],
    limit: number,
  ): Promise<DuplicateRow[]> {
    const { rows } = await db.query<{
      id: string;
      contact_name: string;
      company_name: string;
      status: LeadStatus;
      owner_id: string | null;
      owner_unit: string | null;
      same_name: boolean | null;
      same_phone: boolean | null;
      same_email: boolean | null;
    }>(
      `WITH given AS (
         SELECT liaison_name_key(nullif($1, '')) AS name_key, liaison_phone_key(nullif($2, '')) AS phone_key, nullif(lower($3), '') AS email_key
       )
       SELECT l.id, l.contact_name, l.company_name, l.status, l.owner_id, l.owner_unit,
              l.name_key = g.name_key AS same_name, l.phone_key = g.phone_key AS same_phone, l.email_key = g.email_key AS same_email
       FROM leads l CROSS JOIN given g
       WHERE (l.name_key = g.name_key OR l.phone_key = g.phone_key OR l.email_key = g.email_key)
         AND (cardinality($4::text[]) = 0 OR l.status = ANY($4::text[]))
       ORDER BY (l.name_key = g.name_key)::int + (l.phone_key = g.phone_key)::int + (l.email_key = g.email_key)::int DESC NULLS LAST, l.seq DESC
       LIMIT $5`,
      [given.companyName, given.phone, given.email, statuses, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      contactName: row.contact_name,
      companyName: row.company_name,
      status: row.status,
      ownerId: row.owner_id,
      ownerUnit: row.owner_unit,
      reasons: [row.same_name && 'name', row.same_phone && 'phone', row.same_email && 'email'].filter(Boolean) as DuplicateReason[],
    }));
  }

  /**
   * Holds creates of leads with the same phone or e-mail key one after the other until the
   * transaction ends, so that two at once cannot both find no duplicate.
   */
  async lockMatchingKeys(db: Queryable, given: { phone: string; email: string }): Promise<void> {
    await db.query(
      `SELECT pg_advisory_xact_lock(hashtext('lead-key:' || key))
       FROM unnest(ARRAY[liaison_phone_key(nullif($1, '')), nullif(lower($2), '')]) AS key WHERE key IS NOT NULL ORDER BY key`,
      [given.phone, given.email],
    );
  }

  async insert(
    db: Queryable,
    lead: Omit<Lead, 'version' | 'createdAt' | 'updatedAt' | 'status' | 'disqualifyReason' | 'statusNote'>,
  ): Promise<Lead> {
    const fields = Object.keys(FIELD_COLUMNS) as (keyof LeadFields)[];
    const columns = [
      'id',
      ...fields.map((field) => FIELD_COLUMNS[field]),
      'owner_id',
      'owner_unit',
      'assigned_by_rule',
      'form_id',
      'created_by',
      'updated_by',
    ];
    const values = [
      lead.id,
      ...fields.map((field) => lead[field]),
      lead.ownerId,
      lead.ownerUnit,
      lead.assignedByRuleId,
      lead.formId,
      lead.createdBy,
      lead.updatedBy,
    ];
    const { rows } = await db.query<LeadRow>(
      `INSERT INTO leads (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING ${COLUMNS}`,
      values,
    );
    return toLead(rows[0]);
  }

  async findInScope(db: Queryable, id: string, scope: DataScope): Promise<Lead | null> {
    const condition = scopeOf(scope, 2);
    const { rows } = await db.query<LeadRow>(`SELECT ${COLUMNS} FROM leads WHERE id = $1 AND ${condition.text}`, [id, ...condition.values]);
    return rows[0] ? toLead(rows[0]) : null;
  }

  /** Reads the lead and locks it until the transaction ends; null outside the scope. */
  async lockInScope(db: Queryable, id: string, scope: DataScope): Promise<Lead | null> {
    const condition = scopeOf(scope, 2);
    const { rows } = await db.query<LeadRow>(`SELECT ${COLUMNS} FROM leads WHERE id = $1 AND ${condition.text} FOR UPDATE`, [
      id,
      ...condition.values,
    ]);
    return rows[0] ? toLead(rows[0]) : null;
  }

  /** A page of leads in the scope, newest first; one more than the limit tells whether another page exists. */
  async list(db: Queryable, scope: DataScope, filter: LeadFilter): Promise<(Lead & { seq: string })[]> {
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = [];
    const condition = scopeOf(scope, 1);
    values.push(...condition.values);
    where.push(condition.text);
    if (filter.statuses.length > 0) where.push(`status = ANY(${param(filter.statuses)}::text[])`);
    if (filter.ownerId) where.push(`owner_id = ${param(filter.ownerId)}`);
    if (filter.source) where.push(`source = ${param(filter.source)}`);
    if (filter.textContains) {
      const pattern = param(`%${filter.textContains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      where.push(`(contact_name ILIKE ${pattern} OR company_name ILIKE ${pattern} OR phone LIKE ${pattern})`);
    }
    if (filter.afterSeq) where.push(`seq < ${param(filter.afterSeq)}`);
    const { rows } = await db.query<LeadRow>(
      `SELECT ${COLUMNS} FROM leads WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${param(filter.limit + 1)}`,
      values,
    );
    return rows.map(toLead);
  }

  async updateFields(db: Queryable, id: string, fields: Partial<LeadFields>, userId: string): Promise<Lead> {
    const values: unknown[] = [id, userId];
    const sets = (Object.keys(fields) as (keyof LeadFields)[]).map((field) => `${FIELD_COLUMNS[field]} = $${values.push(fields[field])}`);
    const { rows } = await db.query<LeadRow>(
      `UPDATE leads SET ${sets.join(', ')}, version = version + 1, updated_by = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      values,
    );
    return toLead(rows[0]);
  }

  async updateOwner(db: Queryable, id: string, owner: { ownerId: string; ownerUnit: string }, userId: string): Promise<Lead> {
    const { rows } = await db.query<LeadRow>(
      `UPDATE leads SET owner_id = $2, owner_unit = $3, assigned_by_rule = NULL, version = version + 1, updated_by = $4, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, owner.ownerId, owner.ownerUnit, userId],
    );
    return toLead(rows[0]);
  }

  async updateStatus(db: Queryable, id: string, change: StatusChange, userId: string): Promise<Lead> {
    const { rows } = await db.query<LeadRow>(
      `UPDATE leads SET status = $2, disqualify_reason = $3, status_note = $4, version = version + 1, updated_by = $5, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, change.status, change.disqualifyReason, change.note, userId],
    );
    return toLead(rows[0]);
  }
}
