import type { Queryable } from '@liaison/runtime';
import type { AssignmentRule, RuleFields } from '../domain/lead-assignment';
import { unitCondition } from './unit-condition';

// Assignment rules in lead_assignment_rules (migrations/0003_lead_assignment.sql).

interface RuleRow {
  id: string;
  name: string;
  priority: number;
  sources: string[];
  provinces: string[];
  unit: string;
  members: string[];
  enabled: boolean;
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = 'id, name, priority, sources, provinces, unit, members, enabled, version, created_at, created_by, updated_at, updated_by';
const FIELD_COLUMNS: Readonly<Record<keyof RuleFields, string>> = {
  name: 'name',
  priority: 'priority',
  sources: 'sources',
  provinces: 'provinces',
  unit: 'unit',
  members: 'members',
  enabled: 'enabled',
};

function toRule(row: RuleRow): AssignmentRule {
  return {
    id: row.id,
    name: row.name,
    priority: row.priority,
    sources: row.sources,
    provinces: row.provinces,
    unit: row.unit,
    members: row.members,
    enabled: row.enabled,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export interface RulePick {
  ruleId: string;
  ownerId: string;
  unit: string;
}

export class LeadAssignmentRepository {
  async insert(db: Queryable, id: string, fields: RuleFields, userId: string): Promise<AssignmentRule> {
    const { rows } = await db.query<RuleRow>(
      `INSERT INTO lead_assignment_rules (id, name, priority, sources, provinces, unit, members, enabled, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLUMNS}`,
      [id, fields.name, fields.priority, fields.sources, fields.provinces, fields.unit, fields.members, fields.enabled, userId],
    );
    return toRule(rows[0]);
  }

  async list(db: Queryable, units: 'all' | readonly string[]): Promise<AssignmentRule[]> {
    const condition = unitCondition(units, 1);
    const { rows } = await db.query<RuleRow>(
      `SELECT ${COLUMNS} FROM lead_assignment_rules WHERE ${condition.text} ORDER BY priority, created_at, id`,
      condition.values,
    );
    return rows.map(toRule);
  }

  /** Locks the rule until the transaction ends; null when it is not among the units. */
  async lock(db: Queryable, id: string, units: 'all' | readonly string[]): Promise<AssignmentRule | null> {
    const condition = unitCondition(units, 2);
    const { rows } = await db.query<RuleRow>(
      `SELECT ${COLUMNS} FROM lead_assignment_rules WHERE id = $1 AND ${condition.text} FOR UPDATE`,
      [id, ...condition.values],
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  async update(db: Queryable, id: string, fields: Partial<RuleFields>, userId: string): Promise<AssignmentRule> {
    const values: unknown[] = [id, userId];
    const sets = (Object.keys(fields) as (keyof RuleFields)[]).map((field) => `${FIELD_COLUMNS[field]} = $${values.push(fields[field])}`);
    // New members start their turns from the first.
    if ('members' in fields) sets.push('next_member = 0');
    const { rows } = await db.query<RuleRow>(
      `UPDATE lead_assignment_rules SET ${sets.join(', ')}, version = version + 1, updated_by = $2, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      values,
    );
    return toRule(rows[0]);
  }

  async delete(db: Queryable, id: string): Promise<void> {
    await db.query('DELETE FROM lead_assignment_rules WHERE id = $1', [id]);
  }

  /**
   * The first enabled rule among the units that takes a lead of this source and province, and
   * the member whose turn it was; the turn moves on in the same statement.
   */
  async pick(db: Queryable, lead: { source: string; province: string }, units: 'all' | readonly string[]): Promise<RulePick | null> {
    const condition = unitCondition(units, 3);
    // One UPDATE, not a read then a write: a concurrent pick waits for the row lock and then
    // computes its turn from the row the first one committed (READ COMMITTED re-evaluation).
    const { rows } = await db.query<{ id: string; unit: string; owner_id: string }>(
      `UPDATE lead_assignment_rules r SET next_member = (r.next_member + 1) % cardinality(r.members)
       WHERE r.id = (
         SELECT id FROM lead_assignment_rules
         WHERE enabled AND (cardinality(sources) = 0 OR $1 = ANY(sources)) AND (cardinality(provinces) = 0 OR $2 = ANY(provinces))
           AND ${condition.text}
         ORDER BY priority, created_at, id LIMIT 1
       )
       RETURNING r.id, r.unit, r.members[((r.next_member + cardinality(r.members) - 1) % cardinality(r.members)) + 1] AS owner_id`,
      [lead.source, lead.province, ...condition.values],
    );
    return rows[0] ? { ruleId: rows[0].id, ownerId: rows[0].owner_id, unit: rows[0].unit } : null;
  }
}
