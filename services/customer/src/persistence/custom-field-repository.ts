import type { DataScope } from '@liaison/auth';
import { AppError, type PoolClient, type Queryable } from '@liaison/runtime';
import type {
  CustomFieldConstraints,
  CustomFieldDefinition,
  CustomFieldOption,
  CustomFieldType,
  DefinitionFields,
  ReferenceTarget,
} from '../domain/custom-field';
import type { CustomFieldCondition } from '../domain/custom-field-values';
import { scopeCondition } from './scope-sql';

interface DefinitionRow {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: CustomFieldOption[];
  reference_target: ReferenceTarget | null;
  constraints: CustomFieldConstraints;
  enabled: boolean;
  sort_order: number;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = `d.key, d.label, d.type, d.required, d.options, d.reference_target, d.constraints, d.enabled,
  d.sort_order, d.created_at, d.created_by, d.updated_at, d.updated_by`;

function toDefinition(row: DefinitionRow): CustomFieldDefinition {
  return {
    key: row.key,
    label: row.label,
    type: row.type,
    required: row.required,
    options: row.options,
    referenceTarget: row.reference_target,
    constraints: row.constraints,
    enabled: row.enabled,
    sortOrder: row.sort_order,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function definitionValues(definition: DefinitionFields): unknown[] {
  return [
    definition.key,
    definition.label,
    definition.type,
    definition.required,
    JSON.stringify(definition.options),
    definition.referenceTarget,
    JSON.stringify(definition.constraints),
    definition.enabled,
    definition.sortOrder,
  ];
}

function conflictOf(error: unknown): AppError | undefined {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError?.code !== '23505') return undefined;
  return pgError.constraint === 'custom_field_definitions_label'
    ? new AppError('already_exists', 'another custom field has that label', [{ field: 'label', message: 'is taken' }], 'label_taken')
    : new AppError('already_exists', 'a custom field has that key', [{ field: 'key', message: 'is taken' }], 'key_taken');
}

// Values read as text or number, for the range checks and filters.
// Keys are parameters, cast because `->` is also defined for array indexes.
const textOf = (key: string) => `(c.custom_fields ->> ${key}::text)`;
const numberOf = (key: string) =>
  `(CASE WHEN jsonb_typeof(c.custom_fields -> ${key}::text) = 'number' THEN (c.custom_fields ->> ${key}::text)::numeric END)`;

export class CustomFieldRepository {
  async list(db: Queryable, includeDisabled: boolean): Promise<CustomFieldDefinition[]> {
    const { rows } = await db.query<DefinitionRow>(
      `SELECT ${COLUMNS} FROM custom_field_definitions d WHERE $1 OR d.enabled ORDER BY d.sort_order, d.key`,
      [includeDisabled],
    );
    return rows.map(toDefinition);
  }

  /**
   * The definitions of these keys; `lock` share-locks them for the caller's transaction, so that
   * no definition changes under a customer being written.
   */
  async findMany(db: Queryable, keys: string[], lock: 'share' | 'update' | null = null): Promise<CustomFieldDefinition[]> {
    if (keys.length === 0) return [];
    const { rows } = await db.query<DefinitionRow>(
      `SELECT ${COLUMNS} FROM custom_field_definitions d WHERE d.key = ANY($1::text[]) ORDER BY d.key${lock ? ` FOR ${lock.toUpperCase()}` : ''}`,
      [keys],
    );
    return rows.map(toDefinition);
  }

  async findRequired(db: Queryable): Promise<CustomFieldDefinition[]> {
    const { rows } = await db.query<DefinitionRow>(
      `SELECT ${COLUMNS} FROM custom_field_definitions d WHERE d.required AND d.enabled ORDER BY d.key`,
    );
    return rows.map(toDefinition);
  }

  async insert(tx: PoolClient, definition: DefinitionFields, by: string): Promise<CustomFieldDefinition> {
    try {
      const { rows } = await tx.query<DefinitionRow>(
        `INSERT INTO custom_field_definitions AS d (key, label, type, required, options, reference_target, constraints, enabled, sort_order, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10, $10) RETURNING ${COLUMNS}`,
        [...definitionValues(definition), by],
      );
      return toDefinition(rows[0]);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async update(tx: PoolClient, definition: DefinitionFields, by: string): Promise<CustomFieldDefinition> {
    try {
      const { rows } = await tx.query<DefinitionRow>(
        `UPDATE custom_field_definitions AS d SET label = $2, type = $3, required = $4, options = $5::jsonb, reference_target = $6,
           constraints = $7::jsonb, enabled = $8, sort_order = $9, updated_at = now(), updated_by = $10
         WHERE d.key = $1 RETURNING ${COLUMNS}`,
        [...definitionValues(definition), by],
      );
      return toDefinition(rows[0]);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async delete(tx: PoolClient, key: string): Promise<void> {
    await tx.query('DELETE FROM custom_field_definitions WHERE key = $1', [key]);
  }

  /** Customers holding any value of the field. */
  async countValues(db: Queryable, key: string): Promise<number> {
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM customers c WHERE c.custom_fields ? $1', [key]);
    return Number(rows[0].count);
  }

  /** Customers holding the option, alone (option) or in their list (multi-option). */
  async countOptionUses(db: Queryable, key: string, type: CustomFieldType, option: string): Promise<number> {
    const probe = { [key]: type === 'multi_option' ? [option] : option };
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM customers c WHERE c.custom_fields @> $1::jsonb', [
      JSON.stringify(probe),
    ]);
    return Number(rows[0].count);
  }

  /** Customers whose value the constraints would refuse. */
  async countOutsideConstraints(
    db: Queryable,
    definition: Pick<DefinitionFields, 'key' | 'type' | 'constraints'>,
    defaultMaxLength: number,
  ): Promise<number> {
    const values: unknown[] = [definition.key];
    const add = (value: unknown) => `$${values.push(value)}`;
    const outside: string[] = [];
    const { min, max, decimals, minDate, maxDate, maxLength } = definition.constraints;
    if (definition.type === 'text') outside.push(`char_length(${textOf('$1')}) > ${add(maxLength ?? defaultMaxLength)}`);
    if (min !== undefined) outside.push(`${numberOf('$1')} < ${add(min)}::numeric`);
    if (max !== undefined) outside.push(`${numberOf('$1')} > ${add(max)}::numeric`);
    if (decimals !== undefined) outside.push(`scale(${numberOf('$1')}) > ${add(decimals)}`);
    if (minDate) outside.push(`${textOf('$1')} < ${add(minDate)}`);
    if (maxDate) outside.push(`${textOf('$1')} > ${add(maxDate)}`);
    if (outside.length === 0) return 0;
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) FROM customers c WHERE c.custom_fields ? $1 AND ((${outside.join(') OR (')}))`,
      values,
    );
    return Number(rows[0].count);
  }

  /** The ids among these that are records of the target inside the scope (a contact: of a customer inside it). */
  async visibleRecords(db: Queryable, target: ReferenceTarget, ids: string[], scope: DataScope): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const condition = scopeCondition(scope, 2);
    const sql =
      target === 'customer'
        ? `SELECT c.id FROM customers c WHERE c.id = ANY($1::uuid[]) AND ${condition.text}`
        : `SELECT t.id FROM contacts t JOIN customers c ON c.id = t.customer_id WHERE t.id = ANY($1::uuid[]) AND t.deleted_at IS NULL AND ${condition.text}`;
    const { rows } = await db.query<{ id: string }>(sql, [ids, ...condition.values]);
    return new Set(rows.map((row) => row.id));
  }
}

/** SQL conditions on customers (alias c) for the custom field filters of a search. */
export function customFieldConditions(conditions: CustomFieldCondition[] | undefined, add: (value: unknown) => string): string[] {
  return (conditions ?? []).map((condition) => {
    // Added only where used: PostgreSQL cannot type a parameter no expression mentions.
    let keyParam: string | undefined;
    const key = () => (keyParam ??= add(condition.key));
    const parts: string[] = [];
    if (condition.anyOf.length > 0) {
      // Containment uses the GIN index on custom_fields.
      const probes = condition.anyOf.map((value) => ({ [condition.key]: condition.type === 'multi_option' ? [value] : value }));
      parts.push(`(${probes.map((probe) => `c.custom_fields @> ${add(JSON.stringify(probe))}::jsonb`).join(' OR ')})`);
    }
    const bound = (value: number | string, op: string) =>
      condition.type === 'number'
        ? `${numberOf(key())} ${op} ${add(value)}::numeric`
        : `(jsonb_typeof(c.custom_fields -> ${key()}::text) = 'string' AND ${textOf(key())} ${op} ${add(value)})`;
    if (condition.min !== undefined) parts.push(bound(condition.min, '>='));
    if (condition.max !== undefined) parts.push(bound(condition.max, '<='));
    return parts.join(' AND ');
  });
}
