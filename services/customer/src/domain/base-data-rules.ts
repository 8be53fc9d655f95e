import { AppError, type FieldViolation, type PoolClient } from '@liaison/runtime';
import { BaseDataRepository, nameKey, type NameLookup } from '../persistence/base-data-repository';
import type { CustomerFields } from './customer';

// A customer's source, industry, nature and region must be names of enabled base data entries.
// Only values being written are checked: a customer keeps an entry disabled after it was chosen
// until someone changes that field.

const repository = new BaseDataRepository();

export interface Check {
  field: string;
  lookup: NameLookup;
  message: string;
}

export function checksOf(fields: CustomerFields, isWritten: (path: string) => boolean): Check[] {
  const checks: Check[] = [];
  const listed = [
    ['source', fields.source],
    ['industry', fields.industry],
    ['nature', fields.nature],
  ] as const;
  for (const [kind, name] of listed) {
    if (name !== null && isWritten(kind))
      checks.push({ field: kind, lookup: { kind, name }, message: `must be the name of an enabled ${kind} of the base data` });
  }
  if (fields.province !== null && isWritten('region')) {
    checks.push({
      field: 'region.province',
      lookup: { kind: 'province', name: fields.province },
      message: 'must be the name of an enabled province of the base data',
    });
    if (fields.city !== null) {
      checks.push({
        field: 'region.city',
        lookup: { kind: 'city', name: fields.city, provinceName: fields.province },
        message: `must be the name of an enabled city of ${fields.province}`,
      });
    }
  }
  return checks;
}

/**
 * Checks the base data values of a customer being created (`changedPaths` null) or changed.
 * Runs in the writer's transaction: the entries found stay locked until it commits.
 */
export async function checkCustomerBaseData(tx: PoolClient, fields: CustomerFields, changedPaths: string[] | null): Promise<void> {
  const checks = checksOf(fields, (path) => changedPaths === null || changedPaths.includes(path));
  if (checks.length === 0) return;
  const found = await repository.findEnabledNames(
    tx,
    checks.map((check) => check.lookup),
  );
  const violations: FieldViolation[] = checks
    .filter((check) => !found.has(nameKey(check.lookup)))
    .map((check) => ({ field: check.field, message: check.message }));
  if (violations.length > 0) throw AppError.invalid('customer values are not in the base data', violations);
}
