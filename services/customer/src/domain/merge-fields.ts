import { AppError, type FieldViolation } from '@liaison/runtime';
import { UPDATABLE_FIELDS, type Customer, type CustomerFields } from './customer';

// Which fields a survivor takes from the customer merged into it. The paths are those of
// UpdateCustomer's mask, so a field that can be updated can be taken, and nothing else (not the
// owner, the category or the audit stamps: the survivor's own stay).

export interface TakenFields {
  /** The mask paths, each once, in the order given. */
  paths: string[];
  keys: (keyof CustomerFields)[];
}

export function checkTakeFields(paths: string[]): TakenFields {
  const violations: FieldViolation[] = paths.flatMap((path, index) =>
    Object.hasOwn(UPDATABLE_FIELDS, path)
      ? []
      : [{ field: `take_fields[${index}]`, message: `${path} is not a field that can be taken (use update mask paths)` }],
  );
  if (violations.length > 0) throw AppError.invalid('take_fields names unknown fields', violations);
  const unique = [...new Set(paths)];
  return { paths: unique, keys: [...new Set(unique.flatMap((path) => UPDATABLE_FIELDS[path]))] };
}

/** The survivor's fields with the taken ones replaced by the merged customer's values. */
export function survivorFields(survivor: Customer, merged: Customer, keys: readonly (keyof CustomerFields)[]): CustomerFields {
  const next: CustomerFields = { ...survivor };
  for (const key of keys) (next as unknown as Record<string, unknown>)[key] = merged[key];
  return next;
}
