import { randomUUID } from 'node:crypto';
import type { Principal } from '@liaison/auth';
import { AppError, checkVersion, requireExpectedVersion, requireUuid, type Pool, type PoolClient } from '@liaison/runtime';
import { LeadAssignmentRepository } from '../persistence/lead-assignment-repository';
import { checkRuleFields, requireAssignableUnit, ruleFieldsOfMask, type AssignmentRule, type RuleFields } from './lead-assignment';
import { assignableUnitsOf } from './sales-scope';

// Use cases of lead assignment rules. A rule belongs to its unit: a manager keeps the rules of
// the units they manage (a rule elsewhere is not found), an admin every rule.

export class LeadAssignmentService {
  private readonly repository = new LeadAssignmentRepository();

  constructor(private readonly pool: Pool) {}

  async create(tx: PoolClient, principal: Principal, input: RuleFields): Promise<AssignmentRule> {
    const fields = checkRuleFields(input);
    requireAssignableUnit(assignableUnitsOf(principal), fields.unit, 'rule.unit');
    return this.repository.insert(tx, randomUUID(), fields, principal.userId);
  }

  list(principal: Principal): Promise<AssignmentRule[]> {
    return this.repository.list(this.pool, assignableUnitsOf(principal));
  }

  async update(
    tx: PoolClient,
    principal: Principal,
    id: string,
    expectedVersion: number,
    paths: string[],
    input: RuleFields,
  ): Promise<AssignmentRule> {
    const changed = ruleFieldsOfMask(paths);
    const expected = requireExpectedVersion(expectedVersion);
    const rule = await this.lock(tx, principal, id);
    checkVersion('the rule', rule.version, expected);
    const merged = checkRuleFields({ ...rule, ...Object.fromEntries(changed.map((field) => [field, input[field]])) });
    if (changed.includes('unit')) requireAssignableUnit(assignableUnitsOf(principal), merged.unit, 'rule.unit');
    return this.repository.update(tx, rule.id, Object.fromEntries(changed.map((field) => [field, merged[field]])), principal.userId);
  }

  async delete(tx: PoolClient, principal: Principal, id: string, expectedVersion: number): Promise<void> {
    const expected = requireExpectedVersion(expectedVersion);
    const rule = await this.lock(tx, principal, id);
    checkVersion('the rule', rule.version, expected);
    await this.repository.delete(tx, rule.id);
  }

  private async lock(tx: PoolClient, principal: Principal, id: string): Promise<AssignmentRule> {
    const rule = await this.repository.lock(tx, requireUuid(id, 'id'), assignableUnitsOf(principal));
    if (!rule) throw AppError.notFound('assignment rule');
    return rule;
  }
}
