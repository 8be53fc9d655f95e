import { AppError, type FieldViolation } from '@liaison/runtime';
import { CATEGORIES } from './lifecycle';
import type { PoolRule } from './assignment';

// The return-to-pool rule (CUS-05): an owned customer goes back to the pool after N days
// without follow-up. The clock runs from the later of the last follow-up and the moment the
// current owner got the customer, so a new owner always has the full N days, even for a
// customer someone else last contacted long ago. Excluded categories (deal by default: a
// customer who bought is never taken from its rep) are never returned.

export const MIN_DAYS = 1;
export const MAX_DAYS = 3650;

export type PoolRuleSettings = Pick<PoolRule, 'enabled' | 'daysWithoutContact' | 'excludedCategories'>;

export function validateRule(settings: PoolRuleSettings): PoolRuleSettings {
  const violations: FieldViolation[] = [];
  const days = settings.daysWithoutContact;
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    violations.push({ field: 'days_without_contact', message: `must be a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}` });
  }
  settings.excludedCategories.forEach((category, index) => {
    if (!CATEGORIES.includes(category)) violations.push({ field: `excluded_categories[${index}]`, message: 'is not a category' });
  });
  if (violations.length > 0) throw AppError.invalid('the pool rule is invalid', violations);
  const excluded = [...new Set(settings.excludedCategories)].sort((a, b) => CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b));
  return { enabled: settings.enabled, daysWithoutContact: days, excludedCategories: excluded };
}
