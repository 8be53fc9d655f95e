import { type Principal } from '@liaison/auth';
import { AppError, type Pool, type PoolClient, requireUpdateMask } from '@liaison/runtime';
import { customFieldDefinitionChanged } from '../events/base-data-events';
import { CustomFieldRepository } from '../persistence/custom-field-repository';
import {
  changedDefinitionFields,
  checkDefinition,
  DEFAULT_MAX_LENGTH,
  removedOptions,
  UPDATABLE_DEFINITION_FIELDS,
  type CustomFieldDefinition,
  type DefinitionFields,
} from './custom-field';

// Use cases of the custom field definitions: everyone who reads customers reads them (forms
// and lists need them), administrators change them, and no change contradicts stored values.

function inUse(message: string): AppError {
  return new AppError('failed_precondition', message, [], 'in_use');
}

/** NFC labels, trimmed values: the same label typed twice compares equal. */
function normalised(definition: DefinitionFields): DefinitionFields {
  return {
    ...definition,
    key: definition.key.trim(),
    label: definition.label.normalize('NFC').trim(),
    options: definition.options.map((option) => ({ value: option.value.trim(), label: option.label.normalize('NFC').trim() })),
  };
}

export class CustomFieldService {
  private readonly repository = new CustomFieldRepository();

  constructor(private readonly pool: Pool) {}

  async list(principal: Principal, includeDisabled: boolean): Promise<CustomFieldDefinition[]> {
    return this.repository.list(this.pool, includeDisabled);
  }

  async create(tx: PoolClient, principal: Principal, fields: DefinitionFields): Promise<CustomFieldDefinition> {
    const definition = normalised({ ...fields, enabled: true });
    checkDefinition(definition);
    const created = await this.repository.insert(tx, definition, principal.userId);
    await customFieldDefinitionChanged(tx, created, 'created');
    return created;
  }

  async update(
    tx: PoolClient,
    principal: Principal,
    key: string,
    maskPaths: string[],
    values: DefinitionFields,
  ): Promise<CustomFieldDefinition> {
    const fields = fieldsOfMask(maskPaths);
    const [current] = await this.repository.findMany(tx, [key], 'update');
    if (!current) throw AppError.notFound('custom field');
    const next = normalised({ ...current, ...Object.fromEntries(fields.map((field) => [field, values[field]])) });
    checkDefinition(next);
    const changed = changedDefinitionFields(current, next);
    if (changed.length === 0) return current;
    await this.guardStoredValues(tx, current, next, changed);
    const updated = await this.repository.update(tx, next, principal.userId);
    await customFieldDefinitionChanged(tx, updated, 'updated', changed);
    return updated;
  }

  async delete(tx: PoolClient, principal: Principal, key: string): Promise<void> {
    const [current] = await this.repository.findMany(tx, [key], 'update');
    if (!current) throw AppError.notFound('custom field');
    const customers = await this.repository.countValues(tx, key);
    if (customers > 0) throw inUse(`${customers} customer(s) hold a value of ${current.label}; disable the field instead`);
    await this.repository.delete(tx, key);
    await customFieldDefinitionChanged(tx, current, 'deleted');
  }

  /** Refuses a change that would leave stored values invalid; the definition row is locked. */
  private async guardStoredValues(
    tx: PoolClient,
    before: CustomFieldDefinition,
    after: DefinitionFields,
    changed: string[],
  ): Promise<void> {
    if (changed.includes('type') || changed.includes('reference_target')) {
      const customers = await this.repository.countValues(tx, before.key);
      if (customers > 0)
        throw inUse(`${customers} customer(s) hold a value of ${before.label}; its type and reference target cannot change`);
      return;
    }
    for (const option of removedOptions(before, after)) {
      const customers = await this.repository.countOptionUses(tx, before.key, before.type, option);
      if (customers > 0) throw inUse(`${customers} customer(s) hold the option ${option} of ${before.label}; it cannot be removed`);
    }
    if (changed.includes('constraints')) {
      const customers = await this.repository.countOutsideConstraints(tx, after, DEFAULT_MAX_LENGTH);
      if (customers > 0) throw inUse(`${customers} customer(s) hold a value of ${before.label} outside the new constraints`);
    }
  }
}

function fieldsOfMask(maskPaths: string[]): (keyof DefinitionFields)[] {
  return requireUpdateMask(maskPaths, UPDATABLE_DEFINITION_FIELDS).map((path) => UPDATABLE_DEFINITION_FIELDS[path]);
}
