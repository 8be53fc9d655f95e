import { isUnitPath, unitCovers, type DataScope } from '@liaison/auth';
import { AppError, type FieldViolation, requireUpdateMask } from '@liaison/runtime';

// Assignment rules for leads (SAL-01): which leads a rule takes (source, province), and the reps
// who get them in turn. Who may keep a rule is decided by its unit: the units a manager manages,
// every unit for an admin.

export interface RuleFields {
  name: string;
  priority: number;
  sources: string[];
  provinces: string[];
  unit: string;
  members: string[];
  enabled: boolean;
}

export interface AssignmentRule extends RuleFields {
  id: string;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

export const RULE_FIELDS: Readonly<Record<string, keyof RuleFields>> = {
  name: 'name',
  priority: 'priority',
  sources: 'sources',
  provinces: 'provinces',
  unit: 'unit',
  members: 'members',
  enabled: 'enabled',
};

const MAX_PRIORITY = 1_000_000;
const MAX_MEMBERS = 200;
const MAX_VALUES = 50;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Cleans and checks every field, naming each bad one. */
export function checkRuleFields(input: RuleFields): RuleFields {
  const violations: FieldViolation[] = [];
  const violate = (field: string, message: string) => violations.push({ field: `rule.${field}`, message });
  const name = input.name.trim();
  if (!name || [...name].length > 100 || CONTROL_CHARS.test(name)) violate('name', '1 to 100 characters, no control characters');
  if (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > MAX_PRIORITY) violate('priority', `0 to ${MAX_PRIORITY}`);
  const sources = cleanList(input.sources, 'sources', violate);
  const provinces = cleanList(input.provinces, 'provinces', violate);
  if (!isUnitPath(input.unit)) violate('unit', 'an org unit path such as /Sales/East');
  const members = [...new Set(input.members.map((member) => member.trim()))];
  if (members.length === 0 || members.length > MAX_MEMBERS) violate('members', `1 to ${MAX_MEMBERS} user ids`);
  if (members.some((member) => !member || member.length > 64 || CONTROL_CHARS.test(member)))
    violate('members', 'user ids of 1 to 64 characters');
  if (violations.length > 0) throw AppError.invalid('the assignment rule is invalid', violations);
  return { name, priority: input.priority, sources, provinces, unit: input.unit, members, enabled: input.enabled };
}

function cleanList(values: string[], field: string, violate: (field: string, message: string) => void): string[] {
  const cleaned = [...new Set(values.map((value) => value.trim()))];
  if (cleaned.length > MAX_VALUES) violate(field, `at most ${MAX_VALUES}`);
  if (cleaned.some((value) => !value || [...value].length > 50 || CONTROL_CHARS.test(value)))
    violate(field, 'values of 1 to 50 characters');
  return cleaned;
}

/** The update_mask paths as rule fields; unknown or empty masks are refused. */
export function ruleFieldsOfMask(paths: readonly string[]): (keyof RuleFields)[] {
  return requireUpdateMask(paths, RULE_FIELDS).map((path) => RULE_FIELDS[path]);
}

/** The units whose rules and leads a write scope may hand out: every unit, or those managed. */
export function assignableUnits(scope: DataScope): 'all' | string[] {
  if (scope.kind === 'all') return 'all';
  return scope.kind === 'managed' ? scope.units : [];
}

export function coversUnit(units: 'all' | readonly string[], unit: string | null): boolean {
  if (units === 'all') return true;
  return unit !== null && units.some((managed) => unitCovers(managed, unit));
}

/** Refuses a unit the caller may not hand leads to, naming the field. */
export function requireAssignableUnit(units: 'all' | readonly string[], unit: string, field: string): void {
  if (!isUnitPath(unit)) throw AppError.invalid(`${field} is invalid`, [{ field, message: 'an org unit path such as /Sales/East' }]);
  if (!coversUnit(units, unit)) {
    throw new AppError(
      'permission_denied',
      `${unit} is not a unit you manage`,
      [{ field, message: 'name a unit you manage' }],
      'unit_not_managed',
    );
  }
}
