import { randomUUID } from 'node:crypto';
import type { Principal } from '@liaison/auth';
import {
  AppError,
  checkVersion,
  requireExpectedVersion,
  requireUpdateMask,
  requireUuid,
  type Pool,
  type PoolClient,
} from '@liaison/runtime';
import { LeadFormRepository } from '../persistence/lead-form-repository';
import type { Lead, LeadFields } from './lead';
import { requireAssignableUnit } from './lead-assignment';
import { checkFormFields, FORM_FIELDS, isFormKey, newFormKey, type FormFields, type LeadForm } from './lead-form';
import type { LeadService } from './lead-service';
import { assignableUnitsOf } from './sales-scope';

// Use cases of web forms. A form belongs to its unit like an assignment rule: a manager keeps the
// forms of the units they manage (a form elsewhere is not found), an admin every form.

export class LeadFormService {
  private readonly repository = new LeadFormRepository();

  constructor(
    private readonly pool: Pool,
    private readonly leads: LeadService,
  ) {}

  async create(tx: PoolClient, principal: Principal, input: FormFields): Promise<LeadForm> {
    const fields = checkFormFields(input);
    requireAssignableUnit(assignableUnitsOf(principal), fields.unit, 'form.unit');
    return this.repository.insert(tx, { ...fields, id: randomUUID(), key: newFormKey() }, principal.userId);
  }

  list(principal: Principal): Promise<LeadForm[]> {
    return this.repository.list(this.pool, assignableUnitsOf(principal));
  }

  async update(
    tx: PoolClient,
    principal: Principal,
    id: string,
    expectedVersion: number,
    paths: string[],
    input: FormFields,
  ): Promise<LeadForm> {
    const changed = requireUpdateMask(paths, FORM_FIELDS).map((path) => FORM_FIELDS[path]);
    const expected = requireExpectedVersion(expectedVersion);
    const form = await this.repository.lock(tx, requireUuid(id, 'id'), assignableUnitsOf(principal));
    if (!form) throw AppError.notFound('form');
    checkVersion('the form', form.version, expected);
    const merged = checkFormFields({ ...form, ...Object.fromEntries(changed.map((field) => [field, input[field]])) });
    if (changed.includes('unit')) requireAssignableUnit(assignableUnitsOf(principal), merged.unit, 'form.unit');
    return this.repository.update(tx, form.id, Object.fromEntries(changed.map((field) => [field, merged[field]])), principal.userId);
  }

  /** A visitor's submission, relayed by the gateway: only a service principal may relay one. */
  async submit(tx: PoolClient, principal: Principal, key: string, input: LeadFields): Promise<Lead> {
    if (principal.kind !== 'service') throw new AppError('permission_denied', 'forms are submitted through the public API');
    const form = isFormKey(key) ? await this.repository.findEnabledByKey(tx, key) : null;
    if (!form) throw AppError.notFound('form');
    return this.leads.capture(tx, principal, form, input);
  }
}
