import { unitPrefixPattern } from '@liaison/auth';

/**
 * Records kept per org unit (assignment rules, web forms) whose \`unit\` column lies in one of the
 * units or below them; every record for 'all'. Placeholders numbered from firstParam.
 */
export function unitCondition(units: 'all' | readonly string[], firstParam: number): { text: string; values: unknown[] } {
  if (units === 'all') return { text: 'TRUE', values: [] };
  return {
    text: `(unit = ANY($${firstParam}::text[]) OR unit LIKE ANY($${firstParam + 1}::text[]))`,
    values: [units, units.map(unitPrefixPattern)],
  };
}
