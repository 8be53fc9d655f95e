import { randomUUID } from 'node:crypto';
import { customerScopeOf, followUpWriteScopeOf, type DataScope, type Principal } from '@liaison/auth';
import {
  AppError,
  isRecord,
  isSeq,
  pageSizeOf,
  pageTokens,
  requireUuid,
  type Pool,
  type PoolClient,
  type Queryable,
  requireUpdateMask,
} from '@liaison/runtime';
import { followUpAnnotated, followUpDeleted, followUpRecorded, followUpUpdated } from '../events/followup-events';
import { CustomerRepository } from '../persistence/customer-repository';
import { FollowUpRepository, type FollowUpCursor, type FollowUpListFilter } from '../persistence/followup-repository';
import {
  changedFollowUpFields,
  checkEditable,
  cleanNote,
  UPDATABLE_FOLLOW_UP_FIELDS,
  validateComment,
  validateFollowUp,
  type Annotation,
  type FollowUp,
  type FollowUpFields,
  type FollowUpMethod,
} from './followup';

// Use cases of follow-up records: permission, data scope (through the customer the record hangs
// off), rules, persistence and events, in that order. A record whose customer the caller cannot
// see is reported as not found, so that its existence does not leak.

// Newest first by (occurred_at in microseconds, seq); a forged time never reaches SQL unchecked.
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const followUpPages = pageTokens<FollowUpCursor>('follow-ups', (cursor) =>
  isRecord(cursor) && typeof cursor.occurredAt === 'string' && CURSOR_TIME.test(cursor.occurredAt) && isSeq(cursor.seq)
    ? { occurredAt: cursor.occurredAt, seq: cursor.seq }
    : undefined,
);

export interface CreateFollowUpCommand {
  customerId: string;
  fields: Omit<FollowUpFields, 'occurredAt'> & { occurredAt: Date | null };
  requestId: string | null;
}

export interface UpdateFollowUpCommand {
  id: string;
  maskPaths: string[];
  fields: FollowUpFields;
}

export interface FollowUpQuery {
  methods?: FollowUpMethod[];
  authorId?: string;
  occurredFrom?: Date;
  occurredTo?: Date;
  pageSize: number;
  pageToken: string;
}

export interface FollowUpList {
  followUps: FollowUp[];
  nextPageToken: string;
}

function checkId(id: string, field = 'id'): void {
  requireUuid(id, field);
}

export class FollowUpService {
  private readonly followUps = new FollowUpRepository();
  private readonly customers = new CustomerRepository();

  constructor(private readonly pool: Pool) {}

  async create(tx: PoolClient, principal: Principal, command: CreateFollowUpCommand): Promise<FollowUp> {
    checkId(command.customerId, 'customer_id');
    const fields: FollowUpFields = { ...command.fields, occurredAt: command.fields.occurredAt ?? new Date() };
    validateFollowUp(fields);
    checkRequestId(command.requestId);
    await this.findWritableCustomer(tx, principal, command.customerId);
    await this.checkContact(tx, fields.contactId, command.customerId);
    const followUp = await this.followUps.insert(tx, {
      ...fields,
      id: randomUUID(),
      customerId: command.customerId,
      authorId: principal.userId,
      requestId: command.requestId,
    });
    if (!followUp) return this.firstCreate(tx, principal, command.requestId ?? '');
    await this.followUps.touchLastContacted(tx, followUp.customerId, followUp.occurredAt);
    await followUpRecorded(tx, followUp);
    return followUp;
  }

  async get(principal: Principal, id: string, db: Queryable = this.pool): Promise<FollowUp> {
    checkId(id);
    const followUp = await this.followUps.findInScope(db, id, customerScopeOf(principal));
    if (!followUp) throw AppError.notFound('follow-up');
    return followUp;
  }

  async listOfCustomer(principal: Principal, customerId: string, query: FollowUpQuery): Promise<FollowUpList> {
    checkId(customerId, 'customer_id');
    const scope = customerScopeOf(principal);
    if (!(await this.customers.findInScope(this.pool, customerId, scope))) throw AppError.notFound('customer');
    return this.list(scope, { ...listFilter(query), customerId }, query.pageSize);
  }

  /** Every record on the customers the caller may see: a manager's team, a rep's own customers. */
  async listOfTeam(principal: Principal, query: FollowUpQuery): Promise<FollowUpList> {
    return this.list(customerScopeOf(principal), listFilter(query), query.pageSize);
  }

  async update(tx: PoolClient, principal: Principal, command: UpdateFollowUpCommand): Promise<FollowUp> {
    checkId(command.id);
    const keys = maskToFields(command.maskPaths);
    const current = await this.findForChange(tx, principal, command.id);
    checkEditable(current, principal.userId);
    const next: FollowUpFields = { ...current };
    for (const key of keys) (next as unknown as Record<string, unknown>)[key] = command.fields[key];
    validateFollowUp(next, new Date(), keys);
    const changed = changedFollowUpFields(current, next);
    if (changed.length === 0) return current;
    if (changed.includes('contact_id')) await this.checkContact(tx, next.contactId, current.customerId);
    const updated = await this.followUps.update(tx, current.id, next);
    if (changed.includes('occur_time')) await this.followUps.touchLastContacted(tx, updated.customerId, updated.occurredAt);
    await followUpUpdated(tx, updated, changed);
    return updated;
  }

  /** Soft delete: the record leaves every read but stays in the database. */
  async delete(tx: PoolClient, principal: Principal, id: string): Promise<void> {
    checkId(id);
    const followUp = await this.findForChange(tx, principal, id);
    await this.followUps.softDelete(tx, followUp.id, principal.userId);
    await followUpDeleted(tx, followUp, principal.userId);
  }

  /**
   * A supervisor's annotation (批示). Supervising is reading, not changing, the customer, so the
   * read scope applies: a director annotates any record, a manager those of the units they manage.
   */
  async annotate(
    tx: PoolClient,
    principal: Principal,
    followUpId: string,
    rawComment: string,
  ): Promise<{ followUp: FollowUp; annotation: Annotation }> {
    checkId(followUpId, 'follow_up_id');
    const comment = cleanNote(rawComment);
    validateComment(comment);
    const followUp = await this.followUps.findInScope(tx, followUpId, customerScopeOf(principal), true);
    if (!followUp) throw AppError.notFound('follow-up');
    const annotation = await this.followUps.addAnnotation(tx, { id: randomUUID(), followUpId, authorId: principal.userId, comment });
    await followUpAnnotated(tx, followUp, annotation);
    return { followUp: { ...followUp, annotations: [...followUp.annotations, annotation] }, annotation };
  }

  private async list(scope: DataScope, filter: Omit<FollowUpListFilter, 'limit'>, requestedSize: number): Promise<FollowUpList> {
    const limit = pageSizeOf(requestedSize);
    const page = await this.followUps.list(this.pool, scope, { ...filter, limit });
    return { followUps: page.followUps, nextPageToken: page.next ? followUpPages.encode(page.next) : '' };
  }

  private async firstCreate(tx: PoolClient, principal: Principal, requestId: string): Promise<FollowUp> {
    // The same request id again: the insert waited for the first request's commit and did
    // nothing; answer with what the first request recorded.
    const id = await this.followUps.idOfRequest(tx, principal.userId, requestId);
    if (!id) throw new AppError('internal', 'idempotent create found no follow-up');
    // Read through the scope: the record may be deleted, or its customer passed on, since then.
    return this.get(principal, id, tx);
  }

  /** One the caller may only read answers permission_denied; one it cannot see, not_found. */
  private async findWritableCustomer(tx: PoolClient, principal: Principal, customerId: string): Promise<void> {
    if (await this.customers.findInScope(tx, customerId, followUpWriteScopeOf(principal))) return;
    if (await this.customers.findInScope(tx, customerId, customerScopeOf(principal))) {
      throw new AppError('permission_denied', 'this customer is read-only for you', [], 'read_only');
    }
    throw AppError.notFound('customer');
  }

  /** Locks a record whose customer the caller may change; the same answers as above otherwise. */
  private async findForChange(tx: PoolClient, principal: Principal, id: string): Promise<FollowUp> {
    const followUp = await this.followUps.findInScope(tx, id, followUpWriteScopeOf(principal), true);
    if (followUp) return followUp;
    if (await this.followUps.findInScope(tx, id, customerScopeOf(principal))) {
      throw new AppError('permission_denied', 'the customer of this follow-up is read-only for you', [], 'read_only');
    }
    throw AppError.notFound('follow-up');
  }

  private async checkContact(tx: PoolClient, contactId: string | null, customerId: string): Promise<void> {
    if (contactId === null) return;
    checkId(contactId, 'contact_id');
    if ((await this.followUps.contactBelongsTo(tx, contactId, customerId)) === false) {
      throw AppError.invalid('contact_id is not a contact of this customer', [
        { field: 'contact_id', message: 'must be a live contact of the customer' },
      ]);
    }
  }
}

function checkRequestId(requestId: string | null): void {
  if (requestId && requestId.length > 100) {
    throw AppError.invalid('request_id is too long', [{ field: 'request_id', message: 'must be at most 100 characters' }]);
  }
}

function maskToFields(paths: string[]): (keyof FollowUpFields)[] {
  return requireUpdateMask(paths, UPDATABLE_FOLLOW_UP_FIELDS).map((path) => UPDATABLE_FOLLOW_UP_FIELDS[path]);
}

function listFilter(query: FollowUpQuery): Omit<FollowUpListFilter, 'limit'> {
  if (query.occurredFrom && query.occurredTo && query.occurredFrom >= query.occurredTo) {
    throw AppError.invalid('empty time range', [{ field: 'filter.occurred_to', message: 'must be later than occurred_from' }]);
  }
  return {
    methods: query.methods,
    authorId: query.authorId,
    occurredFrom: query.occurredFrom,
    occurredTo: query.occurredTo,
    after: followUpPages.decode(query.pageToken),
  };
}
