import { randomUUID } from 'node:crypto';
import { can, customerScopeOf, customerWriteScopeOf, primaryUnit, type Principal } from '@liaison/auth';
import {
  AppError,
  checkVersion,
  isRecord,
  isSeq,
  pageSizeOf,
  pageTokens,
  requireExpectedVersion,
  requireUuid,
  type Pool,
  type PoolClient,
  type Queryable,
  requireUpdateMask,
} from '@liaison/runtime';
import { customerCategoryChanged, customerCreated, customerUpdated } from '../events/customer-events';
import { CustomerRepository, type HistoryEntry, type ListFilter, type PageCursor } from '../persistence/customer-repository';
import { changedFields, validateFields, valueAt, UPDATABLE_FIELDS, type Customer, type CustomerFields } from './customer';
import { checkMove, dealDateOf, INITIAL_CATEGORIES, needsSupervisor, type Category } from './lifecycle';
import { missingCustomerError } from './merge';
import { checkCustomerBaseData } from './base-data-rules';
import { customFieldsAfterUpdate, CustomFieldRules, maskPathOfCustomField } from './custom-field-rules';
import type { CustomFieldFilterInput, CustomFieldValues } from './custom-field-values';

// Use cases of the customer aggregate: permission, data scope, invariants, persistence and
// events, in that order. A customer outside the caller's scope is reported as not found, so
// that its existence does not leak.

// A page token is bound to the sort it was made for: reusing it with another sort is an error,
// not a silently wrong page.
const customerPages = pageTokens<PageCursor>('customers', (cursor) =>
  isRecord(cursor) && typeof cursor.key === 'string' && cursor.key.length <= 400 && isSeq(cursor.seq)
    ? { key: cursor.key, seq: cursor.seq }
    : undefined,
);

export interface CreateCommand {
  fields: CustomerFields;
  category: Category | null;
  ownerId: string | null;
  requestId: string | null;
}

export interface UpdateCommand {
  id: string;
  expectedVersion: number;
  maskPaths: string[];
  fields: CustomerFields;
}

export interface ListQuery extends Omit<ListFilter, 'limit' | 'after' | 'phoneDigits' | 'customFields'> {
  customFieldFilters?: CustomFieldFilterInput[];
  pageSize: number;
  pageToken: string;
  phoneContains?: string;
}

export interface CategoryCommand {
  id: string;
  expectedVersion: number;
  category: Category;
  dealDate: string;
  reason: string;
}

/** A lifecycle move with its inputs checked; expectedVersion null = whatever version is current. */
export interface CategoryMove {
  id: string;
  expectedVersion: number | null;
  category: Category;
  dealDate: string | null;
  reason: string;
}

export interface CustomerList {
  customers: Customer[];
  nextPageToken: string;
}

function checkId(id: string): void {
  requireUuid(id, 'id');
}

export class CustomerService {
  private readonly repository = new CustomerRepository();
  private readonly customFieldRules = new CustomFieldRules();

  constructor(private readonly pool: Pool) {}

  async create(tx: PoolClient, principal: Principal, command: CreateCommand): Promise<Customer> {
    validateFields(command.fields);
    const category = command.category ?? 'potential';
    if (!INITIAL_CATEGORIES.includes(category)) {
      throw AppError.invalid('a new customer starts as potential, intentional or key', [
        { field: 'category', message: `must be one of ${INITIAL_CATEGORIES.join(', ')}; confirm a deal afterwards` },
      ]);
    }
    if (command.ownerId && command.ownerId !== principal.userId) {
      // Assigning to someone else is the assignment use case, with its own permission and audit.
      throw new AppError('permission_denied', 'customers can only be created for oneself; assign them afterwards');
    }
    if (command.requestId && command.requestId.length > 100) {
      throw AppError.invalid('request_id is too long', [{ field: 'request_id', message: 'must be at most 100 characters' }]);
    }
    const customFields = await this.checkReferenceData(tx, principal, command.fields, null);
    const created = await this.repository.insert(tx, {
      ...command.fields,
      customFields,
      category,
      id: randomUUID(),
      ownerId: principal.userId,
      ownerUnit: primaryUnit(principal),
      createdBy: principal.userId,
      requestId: command.requestId,
    });
    if (created) {
      await customerCreated(tx, created);
      return created;
    }
    // Same request id again: the insert waited for the first request's commit and did nothing;
    // answer with what that request created.
    const existing = await this.repository.findByRequestId(tx, principal.userId, command.requestId ?? '');
    if (!existing) throw new AppError('internal', 'idempotent create found no customer');
    // Read through the scope: since the first request the customer may have been deleted,
    // merged (the answer names the survivor) or passed to someone else.
    return this.visible(tx, principal, existing.id);
  }

  async get(principal: Principal, id: string): Promise<Customer> {
    checkId(id);
    return this.visible(this.pool, principal, id);
  }

  private async visible(db: Queryable, principal: Principal, id: string): Promise<Customer> {
    const customer = await this.repository.findInScope(db, id, customerScopeOf(principal));
    if (!customer) throw await missingCustomerError(db, id, customerScopeOf(principal));
    return customer;
  }

  async list(principal: Principal, query: ListQuery): Promise<CustomerList> {
    const pageSize = pageSizeOf(query.pageSize);
    const { pageToken, phoneContains, customFieldFilters, ...filter } = query;
    const phoneDigits = (phoneContains ?? '').replace(/\D/g, '');
    if (phoneContains && phoneDigits.length < 3) {
      throw AppError.invalid('phone search needs at least 3 digits', [{ field: 'phone_contains', message: 'give at least 3 digits' }]);
    }
    const page = await this.repository.list(this.pool, customerScopeOf(principal), {
      ...filter,
      customFields: await this.customFieldRules.conditionsOf(this.pool, customFieldFilters ?? []),
      nameContains: filter.nameContains?.normalize('NFC').trim() || undefined,
      phoneDigits: phoneDigits || undefined,
      limit: pageSize,
      after: customerPages.decode(pageToken, query.sort),
    });
    return { customers: page.customers, nextPageToken: page.next ? customerPages.encode(page.next, query.sort) : '' };
  }

  async update(tx: PoolClient, principal: Principal, command: UpdateCommand): Promise<Customer> {
    checkId(command.id);
    const keys = maskToFields(command.maskPaths.map(maskPathOfCustomField));
    requireExpectedVersion(command.expectedVersion);
    const current = await this.findForChange(tx, principal, command.id);
    checkVersion('customer', current.version, command.expectedVersion);
    const next: CustomerFields = { ...current };
    for (const key of keys) (next as unknown as Record<string, unknown>)[key] = command.fields[key];
    next.customFields = customFieldsAfterUpdate(current.customFields, command.fields.customFields, command.maskPaths) as CustomFieldValues;
    validateFields(next, keys);
    next.customFields = await this.checkReferenceData(tx, principal, next, current);
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    const updated = await this.repository.update(tx, current.id, next, principal.userId);
    await this.repository.recordHistory(
      tx,
      current.id,
      principal.userId,
      changed.map((path) => ({ field: path, oldValue: valueAt(current, path), newValue: valueAt(next, path) })),
    );
    await customerUpdated(tx, updated, changed);
    return updated;
  }

  // Base data and custom field definitions live in the database, so they are checked in the
  // transaction that writes; returns the custom field values normalised.
  private async checkReferenceData(
    tx: PoolClient,
    principal: Principal,
    fields: CustomerFields,
    before: Customer | null,
  ): Promise<CustomFieldValues> {
    await checkCustomerBaseData(tx, fields, before ? changedFields(before, fields) : null);
    return this.customFieldRules.checkCustomerValues(tx, principal, fields.customFields, before?.customFields ?? null);
  }

  /**
   * Locks a customer the caller may change. One the caller may only read (a partner's share, a
   * service agent's view) answers permission_denied; one it cannot see at all, not_found.
   */
  async findForChange(tx: PoolClient, principal: Principal, id: string): Promise<Customer> {
    const customer = await this.repository.findInScope(tx, id, customerWriteScopeOf(principal), true);
    if (customer) return customer;
    if (await this.repository.findInScope(tx, id, customerScopeOf(principal))) {
      throw new AppError('permission_denied', 'this customer is read-only for you', [], 'read_only');
    }
    throw AppError.notFound('customer');
  }

  async changeCategory(tx: PoolClient, principal: Principal, command: CategoryCommand): Promise<Customer> {
    checkId(command.id);
    const reason = command.reason.normalize('NFC').trim();
    if ([...reason].length > 500)
      throw AppError.invalid('reason is too long', [{ field: 'reason', message: 'must be at most 500 characters' }]);
    const dealDate = command.category === 'deal' ? dealDateOf(command.dealDate) : null;
    return this.moveCategory(tx, principal, { ...command, reason, dealDate });
  }

  /**
   * The lifecycle move inside the caller's transaction, for use cases that end in one (an
   * approved invalid-customer application, which checks no version: the decider saw none).
   */
  async moveCategory(tx: PoolClient, principal: Principal, move: CategoryMove): Promise<Customer> {
    const { reason, dealDate } = move;
    const current = await this.findForChange(tx, principal, move.id);
    if (move.expectedVersion !== null) checkVersion('customer', current.version, move.expectedVersion);
    checkMove(current.category, move.category);
    if (needsSupervisor(current.category, move.category) && !can(principal, 'customer', 'approve')) {
      throw new AppError(
        'permission_denied',
        `only a supervisor may move a customer ${current.category === 'invalid' ? 'out of' : 'to'} invalid; apply for it instead`,
        [],
        'supervisor_required',
      );
    }
    const updated = await this.repository.changeCategory(tx, current.id, move.category, dealDate, principal.userId);
    const history: HistoryEntry[] = [
      { field: 'category', oldValue: current.category, newValue: move.category, reason: reason || undefined },
    ];
    if (dealDate) history.push({ field: 'deal_date', oldValue: current.dealDate, newValue: dealDate, reason: reason || undefined });
    await this.repository.recordHistory(tx, current.id, principal.userId, history);
    await customerCategoryChanged(tx, updated, current.category, reason);
    return updated;
  }
}

function maskToFields(paths: string[]): (keyof CustomerFields)[] {
  return [...new Set(requireUpdateMask(paths, UPDATABLE_FIELDS).flatMap((path) => UPDATABLE_FIELDS[path]))];
}
