import type { Queryable } from '@liaison/runtime';
import type { FormFields, LeadForm } from '../domain/lead-form';
import { unitCondition } from './unit-condition';

// Web forms in lead_forms (migrations/0004_lead_forms.sql).

interface FormRow {
  id: string;
  key: string;
  name: string;
  source: string;
  unit: string;
  enabled: boolean;
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = 'id, key, name, source, unit, enabled, version, created_at, created_by, updated_at, updated_by';

function toForm(row: FormRow): LeadForm {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    source: row.source,
    unit: row.unit,
    enabled: row.enabled,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export class LeadFormRepository {
  async insert(db: Queryable, form: FormFields & { id: string; key: string }, userId: string): Promise<LeadForm> {
    const { rows } = await db.query<FormRow>(
      `INSERT INTO lead_forms (id, key, name, source, unit, enabled, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
      [form.id, form.key, form.name, form.source, form.unit, form.enabled, userId],
    );
    return toForm(rows[0]);
  }

  async list(db: Queryable, units: 'all' | readonly string[]): Promise<LeadForm[]> {
    const condition = unitCondition(units, 1);
    const { rows } = await db.query<FormRow>(
      `SELECT ${COLUMNS} FROM lead_forms WHERE ${condition.text} ORDER BY created_at DESC, id`,
      condition.values,
    );
    return rows.map(toForm);
  }

  async lock(db: Queryable, id: string, units: 'all' | readonly string[]): Promise<LeadForm | null> {
    const condition = unitCondition(units, 2);
    const { rows } = await db.query<FormRow>(`SELECT ${COLUMNS} FROM lead_forms WHERE id = $1 AND ${condition.text} FOR UPDATE`, [
      id,
      ...condition.values,
    ]);
    return rows[0] ? toForm(rows[0]) : null;
  }

  async findEnabledByKey(db: Queryable, key: string): Promise<LeadForm | null> {
    const { rows } = await db.query<FormRow>(`SELECT ${COLUMNS} FROM lead_forms WHERE key = $1 AND enabled`, [key]);
    return rows[0] ? toForm(rows[0]) : null;
  }

  async update(db: Queryable, id: string, fields: Partial<FormFields>, userId: string): Promise<LeadForm> {
    const values: unknown[] = [id, userId];
    const sets = (Object.keys(fields) as (keyof FormFields)[]).map((field) => `${field} = $${values.push(fields[field])}`);
    const { rows } = await db.query<FormRow>(
      `UPDATE lead_forms SET ${sets.join(', ')}, version = version + 1, updated_by = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      values,
    );
    return toForm(rows[0]);
  }
}
