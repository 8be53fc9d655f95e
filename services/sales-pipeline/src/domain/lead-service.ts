import { randomUUID } from 'node:crypto';
import { canSeeRecord, primaryUnit, requirePermission, type Principal } from '@liaison/auth';
import {
  AppError,
  checkVersion,
  pageSizeOf,
  requireExpectedVersion,
  requireUuid,
  seqPageTokens,
  type Pool,
  type PoolClient,
} from '@liaison/runtime';
import { leadAssigned, leadCreated, leadStatusChanged, leadUpdated } from '../events/lead-events';
import { LeadAssignmentRepository } from '../persistence/lead-assignment-repository';
import { LeadRepository, type DuplicateRow } from '../persistence/lead-repository';
import {
  checkLeadFields,
  checkStatusChange,
  fieldsOfMask,
  LEAD_STATUSES,
  UPDATABLE_FIELDS,
  type Lead,
  type LeadFields,
  type LeadStatus,
  type StatusChange,
} from './lead';
import { requireAssignableUnit } from './lead-assignment';
import { assignableUnitsOf, salesReadScopeOf, salesWriteScopeOf } from './sales-scope';

// Use cases of leads (SAL-01). The RPCs declare the permission and the transaction (grpc/); the
// data scope decides which leads a caller reaches, and a lead outside it is not found.

export interface LeadQuery {
  pageSize: number;
  pageToken: string;
  statuses: LeadStatus[];
  ownerId: string;
  source: string;
  textContains: string;
}

const leadPages = seqPageTokens('leads');
const MAX_DUPLICATES = 20;
const OPEN_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];

export interface CreateOptions {
  assignByRules?: boolean;
  allowDuplicate?: boolean;
}

export type LeadDuplicate = DuplicateRow & { visible: boolean };
const MAX_TEXT_FILTER = 100;

export class LeadService {
  private readonly repository = new LeadRepository();
  private readonly rules = new LeadAssignmentRepository();

  constructor(private readonly pool: Pool) {}

  /**
   * Owned by the caller, or with assignByRules by the assignment rules of the units the caller
   * manages. Refused when an open lead has the same phone or e-mail, unless allowDuplicate.
   */
  async create(tx: PoolClient, principal: Principal, input: LeadFields, options: CreateOptions = {}): Promise<Lead> {
    const fields = checkLeadFields(input);
    const assignByRules = options.assignByRules ?? false;
    // Which permission applies depends on the input: handing the lead to others needs
    // sales:assign. Checked before anything about other leads is told (the duplicate check).
    if (assignByRules) requirePermission(principal, 'sales', 'assign');
    if (!options.allowDuplicate) await this.refuseOpenDuplicates(tx, fields);
    const owner = assignByRules ? await this.ownerByRules(tx, principal, fields) : { ownerId: principal.userId, assignedByRuleId: null };
    const lead = await this.repository.insert(tx, {
      ...fields,
      id: randomUUID(),
      ownerUnit: primaryUnit(principal),
      ...owner,
      formId: null,
      createdBy: principal.userId,
      updatedBy: principal.userId,
    });
    await leadCreated(tx, lead);
    if (lead.assignedByRuleId) await leadAssigned(tx, lead, null);
    return lead;
  }

  /** Leads like the given one, across every owner; names only of those the caller may read. */
  async findDuplicates(principal: Principal, input: Pick<LeadFields, 'companyName' | 'phone' | 'email'>): Promise<LeadDuplicate[]> {
    const given = { companyName: input.companyName.trim(), phone: input.phone.trim(), email: input.email.trim() };
    if (!given.companyName && !given.phone && !given.email) {
      throw AppError.invalid('nothing to compare', [
        { field: 'lead', message: 'give a company name, a phone number or an e-mail address' },
      ]);
    }
    const scope = salesReadScopeOf(principal);
    const rows = await this.repository.duplicates(this.pool, given, [], MAX_DUPLICATES);
    return rows.map((row) => {
      const visible = canSeeRecord(scope, { ownerId: row.ownerId ?? '', ownerUnit: row.ownerUnit });
      return visible
        ? { ...row, visible }
        : {
            id: '',
            contactName: '',
            companyName: '',
            status: row.status,
            ownerId: null,
            ownerUnit: row.ownerUnit,
            reasons: row.reasons,
            visible,
          };
    });
  }

  private async refuseOpenDuplicates(tx: PoolClient, fields: LeadFields): Promise<void> {
    await this.repository.lockMatchingKeys(tx, fields);
    const strong = (
      await this.repository.duplicates(tx, { companyName: '', phone: fields.phone, email: fields.email }, OPEN_STATUSES, 1)
    )[0];
    if (!strong) return;
    throw new AppError(
      'already_exists',
      'an open lead has the same phone number or e-mail address',
      strong.reasons.map((reason) => ({
        field: `lead.${reason}`,
        message: 'an open lead has this one; look it up, or create with allow_duplicate',
      })),
      'duplicate_lead',
    );
  }

  /**
   * A visitor's submission to a web form: the form's source, the owner by the assignment rules
   * of the form's unit, or none there. The caller is the gateway (a service principal).
   */
  async capture(
    tx: PoolClient,
    principal: Principal,
    form: { id: string; source: string; unit: string },
    input: LeadFields,
  ): Promise<Lead> {
    const fields = checkLeadFields({ ...input, source: form.source });
    const pick = await this.rules.pick(tx, fields, [form.unit]);
    const lead = await this.repository.insert(tx, {
      ...fields,
      id: randomUUID(),
      ownerId: pick?.ownerId ?? null,
      ownerUnit: pick?.unit ?? form.unit,
      assignedByRuleId: pick?.ruleId ?? null,
      formId: form.id,
      createdBy: principal.userId,
      updatedBy: principal.userId,
    });
    await leadCreated(tx, lead);
    if (lead.assignedByRuleId) await leadAssigned(tx, lead, null);
    return lead;
  }

  private async ownerByRules(tx: PoolClient, principal: Principal, fields: LeadFields) {
    const pick = await this.rules.pick(tx, fields, assignableUnitsOf(principal));
    // No rule takes it: it waits unassigned in the caller's unit, for its managers to assign.
    return pick
      ? { ownerId: pick.ownerId, ownerUnit: pick.unit, assignedByRuleId: pick.ruleId }
      : { ownerId: null, assignedByRuleId: null };
  }

  /** Gives a lead in the caller's write scope to a rep of a unit the caller manages (any for an admin). */
  async assign(
    tx: PoolClient,
    principal: Principal,
    id: string,
    expectedVersion: number,
    to: { ownerId: string; ownerUnit: string },
  ): Promise<Lead> {
    const expected = requireExpectedVersion(expectedVersion);
    const ownerId = to.ownerId.trim();
    if (!ownerId || ownerId.length > 64) {
      throw AppError.invalid('to_owner_id is required', [{ field: 'to_owner_id', message: 'the user id of the new owner' }]);
    }
    requireAssignableUnit(assignableUnitsOf(principal), to.ownerUnit, 'to_owner_unit');
    const lead = await this.lockWritable(tx, principal, id);
    checkVersion('the lead', lead.version, expected);
    if (lead.status === 'converted') throw new AppError('failed_precondition', 'a converted lead keeps its owner');
    if (lead.ownerId === ownerId && lead.ownerUnit === to.ownerUnit) return lead;
    const assigned = await this.repository.updateOwner(tx, lead.id, { ownerId, ownerUnit: to.ownerUnit }, principal.userId);
    await leadAssigned(tx, assigned, lead.ownerId);
    return assigned;
  }

  async get(principal: Principal, id: string): Promise<Lead> {
    const lead = await this.repository.findInScope(this.pool, requireUuid(id, 'id'), salesReadScopeOf(principal));
    if (!lead) throw AppError.notFound('lead');
    return lead;
  }

  async list(principal: Principal, query: LeadQuery): Promise<{ leads: Lead[]; nextPageToken: string }> {
    const filter = checkQuery(query);
    const binding = JSON.stringify(filter);
    const limit = pageSizeOf(query.pageSize);
    const afterSeq = leadPages.decode(query.pageToken, binding);
    const rows = await this.repository.list(this.pool, salesReadScopeOf(principal), { ...filter, afterSeq, limit });
    const page = rows.slice(0, limit);
    return { leads: page, nextPageToken: rows.length > limit ? leadPages.encode(page[page.length - 1].seq, binding) : '' };
  }

  async update(
    tx: PoolClient,
    principal: Principal,
    id: string,
    expectedVersion: number,
    paths: string[],
    input: LeadFields,
  ): Promise<Lead> {
    const changed = fieldsOfMask(paths);
    const expected = requireExpectedVersion(expectedVersion);
    const lead = await this.lockWritable(tx, principal, id);
    checkVersion('the lead', lead.version, expected);
    const merged = checkLeadFields({ ...fieldsOf(lead), ...Object.fromEntries(changed.map((field) => [field, input[field]])) });
    const updated = await this.repository.updateFields(
      tx,
      lead.id,
      Object.fromEntries(changed.map((field) => [field, merged[field]])),
      principal.userId,
    );
    await leadUpdated(
      tx,
      updated,
      paths.filter((path) => Object.hasOwn(UPDATABLE_FIELDS, path)),
    );
    return updated;
  }

  async changeStatus(tx: PoolClient, principal: Principal, id: string, expectedVersion: number, change: StatusChange): Promise<Lead> {
    const expected = requireExpectedVersion(expectedVersion);
    if (!LEAD_STATUSES.includes(change.status))
      throw AppError.invalid('status is required', [{ field: 'status', message: 'name the new status' }]);
    const lead = await this.lockWritable(tx, principal, id);
    checkVersion('the lead', lead.version, expected);
    const checked = checkStatusChange(lead.status, change);
    const updated = await this.repository.updateStatus(tx, lead.id, checked, principal.userId);
    await leadStatusChanged(tx, updated, lead.status);
    return updated;
  }

  // A lead the caller may read but not change is refused as forbidden; one they cannot read is not found.
  private async lockWritable(tx: PoolClient, principal: Principal, id: string): Promise<Lead> {
    const leadId = requireUuid(id, 'id');
    const lead = await this.repository.lockInScope(tx, leadId, salesWriteScopeOf(principal));
    if (lead) return lead;
    if (await this.repository.findInScope(tx, leadId, salesReadScopeOf(principal))) {
      throw new AppError('permission_denied', 'the lead is outside the leads you may change');
    }
    throw AppError.notFound('lead');
  }
}

function fieldsOf(lead: Lead): LeadFields {
  const { contactName, companyName, phone, email, source, province, city, description } = lead;
  return { contactName, companyName, phone, email, source, province, city, description };
}

function checkQuery(query: LeadQuery): Omit<LeadQuery, 'pageSize' | 'pageToken'> {
  const textContains = query.textContains.trim();
  if ([...textContains].length > MAX_TEXT_FILTER) {
    throw AppError.invalid('text_contains is too long', [{ field: 'text_contains', message: `at most ${MAX_TEXT_FILTER} characters` }]);
  }
  if (query.ownerId.length > 64) throw AppError.invalid('owner_id is invalid', [{ field: 'owner_id', message: 'at most 64 characters' }]);
  if (query.source.length > 50) throw AppError.invalid('source is invalid', [{ field: 'source', message: 'at most 50 characters' }]);
  return { statuses: [...new Set(query.statuses)].sort(), ownerId: query.ownerId, source: query.source.trim(), textContains };
}
