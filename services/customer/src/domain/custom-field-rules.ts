import { customerScopeOf, type Principal } from '@liaison/auth';
import { AppError, type FieldViolation, type Pool, type PoolClient } from '@liaison/runtime';
import { CustomFieldRepository } from '../persistence/custom-field-repository';
import type { CustomFieldDefinition, ReferenceTarget } from './custom-field';
import {
  checkValue,
  conditionOf,
  sortedValues,
  type CustomFieldCondition,
  type CustomFieldFilterInput,
  type CustomFieldValues,
} from './custom-field-values';

// Custom field values on customers: checked on every write against the definitions, which stay
// share-locked until the write commits; and the search filters on them.

const MAX_KEYS = 200;
const MAX_FILTERS = 20;
const fieldOf = (key: string) => `custom_fields.${key}`;

/** Keys whose values differ (absent and null alike count as no value). */
function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)).sort();
}

interface Reference {
  key: string;
  target: ReferenceTarget;
  id: string;
}

export class CustomFieldRules {
  private readonly repository = new CustomFieldRepository();

  /**
   * Checks the values of a customer being created (`before` null) or changed and returns them
   * normalised. Only values that change are checked, so that a later definition change (a new
   * required field, a disabled one) does not block unrelated edits.
   */
  async checkCustomerValues(
    tx: PoolClient,
    principal: Principal,
    values: Record<string, unknown>,
    before: CustomFieldValues | null,
  ): Promise<CustomFieldValues> {
    const keys = changedKeys(before ?? {}, values);
    if (Object.keys(values).length > MAX_KEYS)
      throw AppError.invalid('too many custom fields', [{ field: 'custom_fields', message: `at most ${MAX_KEYS}` }]);
    const definitions = new Map((await this.repository.findMany(tx, keys, 'share')).map((definition) => [definition.key, definition]));
    const violations: FieldViolation[] = [];
    const result = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== undefined));
    const references: Reference[] = [];
    for (const key of keys) {
      const definition = definitions.get(key);
      const outcome = this.checkOne(definition, values[key]);
      if ('problem' in outcome) {
        violations.push({ field: fieldOf(key), message: outcome.problem });
        continue;
      }
      if (outcome.value === null) delete result[key];
      else result[key] = outcome.value;
      if (definition?.type === 'reference' && typeof outcome.value === 'string') {
        references.push({ key, target: definition.referenceTarget ?? 'customer', id: outcome.value });
      }
    }
    if (before === null) violations.push(...(await this.missingRequired(tx, result)));
    violations.push(...(await this.invisibleReferences(tx, principal, references)));
    if (violations.length > 0) throw AppError.invalid('custom field values are invalid', violations);
    return sortedValues(result);
  }

  /** The search conditions of custom field filters; unknown keys and bad values are violations. */
  async conditionsOf(db: Pool | PoolClient, filters: CustomFieldFilterInput[]): Promise<CustomFieldCondition[]> {
    if (filters.length === 0) return [];
    if (filters.length > MAX_FILTERS)
      throw AppError.invalid('too many custom field filters', [{ field: 'custom_field_filters', message: `at most ${MAX_FILTERS}` }]);
    const definitions = new Map(
      (
        await this.repository.findMany(
          db,
          filters.map((filter) => filter.key),
        )
      ).map((definition) => [definition.key, definition]),
    );
    return filters.map((filter, index) => {
      const definition = definitions.get(filter.key);
      if (!definition)
        throw AppError.invalid('unknown custom field', [{ field: `custom_field_filters[${index}].key`, message: 'is not a custom field' }]);
      return conditionOf(definition, filter, `custom_field_filters[${index}]`);
    });
  }

  private checkOne(definition: CustomFieldDefinition | undefined, raw: unknown): { value: unknown } | { problem: string } {
    const removing = raw === null || raw === undefined;
    if (!definition) return removing ? { value: null } : { problem: 'is not a custom field' };
    if (!definition.enabled) return removing ? { value: null } : { problem: 'is disabled and takes no new values' };
    const checked = checkValue(definition, raw);
    if (!checked.ok) return { problem: checked.message };
    if (checked.value === null && definition.required) return { problem: `is required (${definition.label})` };
    return { value: checked.value };
  }

  private async missingRequired(tx: PoolClient, values: Record<string, unknown>): Promise<FieldViolation[]> {
    const required = await this.repository.findRequired(tx);
    return required
      .filter((definition) => values[definition.key] === undefined)
      .map((definition) => ({ field: fieldOf(definition.key), message: `is required (${definition.label})` }));
  }

  // Outside the writer's scope and not existing look the same, so that ids do not leak.
  private async invisibleReferences(db: PoolClient, principal: Principal, references: Reference[]): Promise<FieldViolation[]> {
    const violations: FieldViolation[] = [];
    const scope = customerScopeOf(principal);
    for (const target of ['customer', 'contact'] as const) {
      const wanted = references.filter((reference) => reference.target === target);
      const visible = await this.repository.visibleRecords(
        db,
        target,
        wanted.map((reference) => reference.id),
        scope,
      );
      for (const reference of wanted.filter((candidate) => !visible.has(candidate.id))) {
        violations.push({ field: fieldOf(reference.key), message: `no ${target} with this id` });
      }
    }
    return violations;
  }
}

const PATH_PREFIX = 'custom_fields.';

/** `custom_fields.<key>` sets one value; as a customer update mask path it counts as custom_fields. */
export function maskPathOfCustomField(path: string): string {
  return path.startsWith(PATH_PREFIX) ? 'custom_fields' : path;
}

/**
 * The values after an update: the sent map as a whole for the path custom_fields, otherwise
 * the current values with each `custom_fields.<key>` set from the sent map, or removed when the
 * sent map has no value for it.
 */
export function customFieldsAfterUpdate(
  current: CustomFieldValues,
  sent: Record<string, unknown>,
  maskPaths: string[],
): Record<string, unknown> {
  if (maskPaths.includes('custom_fields')) return sent;
  const next: Record<string, unknown> = { ...current };
  for (const path of maskPaths.filter((candidate) => candidate.startsWith(PATH_PREFIX))) {
    const key = path.slice(PATH_PREFIX.length);
    if (sent[key] === null || sent[key] === undefined) delete next[key];
    else next[key] = sent[key];
  }
  return next;
}
