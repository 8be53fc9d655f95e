import { randomUUID } from 'node:crypto';
import { customerScopeOf, customerWriteScopeOf, type Principal } from '@liaison/auth';
import {
  AppError,
  checkVersion,
  pageSizeOf,
  requireExpectedVersion,
  requireUuid,
  seqPageTokens,
  type Pool,
  type PoolClient,
  requireUpdateMask,
} from '@liaison/runtime';
import { contactCreated, contactDeleted, contactRelationChanged, contactsUpdated } from '../events/contact-events';
import { ContactRepository } from '../persistence/contact-repository';
import { CustomerRepository } from '../persistence/customer-repository';
import {
  changedContactFields,
  phoneSearchDigits,
  UPDATABLE_CONTACT_FIELDS,
  validateContact,
  type Contact,
  type ContactFields,
} from './contact';
import { checkRelationInput, closesReportingCycle, sameRelation, type ContactRelation, type RelationKind } from './contact-relations';

// Use cases of contacts: permission (module `contact`), the customer's data scope, invariants,
// persistence and events, in that order. A contact is visible iff its customer is, and may be
// changed iff its customer may; outside the scope it does not exist for the caller.
//
// Every write locks the customer row first, so that writers of one customer's contacts take
// turns: that keeps "one primary contact" and "no reporting cycle" true without races.

// A page token is bound to the customer it was made for, so it cannot page another customer.
const contactPages = seqPageTokens('contacts');

export interface ContactUpdateCommand {
  id: string;
  expectedVersion: number;
  maskPaths: string[];
  fields: ContactFields;
}

export interface ContactListQuery {
  customerId: string;
  pageSize: number;
  pageToken: string;
  nameContains: string;
  phoneContains: string;
}

export interface ContactList {
  contacts: Contact[];
  nextPageToken: string;
}

export interface RelationCommand {
  fromContactId: string;
  toContactId: string;
  kind: RelationKind;
  label: string | null;
}

export interface ContactGraph {
  nodes: Contact[];
  edges: ContactRelation[];
}

function checkId(id: string, field: string): void {
  requireUuid(id, field);
}

export class ContactService {
  private readonly contacts = new ContactRepository();
  private readonly customers = new CustomerRepository();

  constructor(private readonly pool: Pool) {}

  async create(tx: PoolClient, principal: Principal, customerId: string, fields: ContactFields): Promise<Contact> {
    checkId(customerId, 'customer_id');
    validateContact(fields);
    await this.lockWritableCustomer(tx, principal, customerId);
    const demoted = fields.isPrimary ? await this.contacts.clearPrimary(tx, customerId, null, principal.userId) : [];
    const contact = await this.contacts.insert(tx, { ...fields, id: randomUUID(), customerId, createdBy: principal.userId });
    await contactsUpdated(
      tx,
      demoted.map((other) => ({ contact: other, changedFields: ['is_primary'] })),
    );
    await contactCreated(tx, contact);
    return contact;
  }

  async get(principal: Principal, id: string): Promise<Contact> {
    checkId(id, 'id');
    const contact = await this.contacts.findInScope(this.pool, id, customerScopeOf(principal));
    if (!contact) throw AppError.notFound('contact');
    return contact;
  }

  async list(principal: Principal, query: ContactListQuery): Promise<ContactList> {
    checkId(query.customerId, 'customer_id');
    const pageSize = pageSizeOf(query.pageSize);
    const filter = {
      nameContains: query.nameContains.normalize('NFC').trim() || undefined,
      phoneDigits: phoneSearchDigits(query.phoneContains.trim()),
      afterSeq: contactPages.decode(query.pageToken, query.customerId),
      limit: pageSize,
    };
    await this.visibleCustomer(principal, query.customerId);
    const page = await this.contacts.list(this.pool, query.customerId, filter);
    return { contacts: page.contacts, nextPageToken: page.nextSeq ? contactPages.encode(page.nextSeq, query.customerId) : '' };
  }

  async update(tx: PoolClient, principal: Principal, command: ContactUpdateCommand): Promise<Contact> {
    checkId(command.id, 'id');
    const keys = maskToFields(command.maskPaths);
    requireExpectedVersion(command.expectedVersion);
    const current = await this.lockContactForChange(tx, principal, command.id);
    checkVersion('contact', current.version, command.expectedVersion);
    const next: ContactFields = { ...current };
    for (const key of keys) (next as unknown as Record<string, unknown>)[key] = command.fields[key];
    validateContact(next, keys);
    const changed = changedContactFields(current, next);
    if (changed.length === 0) return current;
    const demoted =
      next.isPrimary && !current.isPrimary ? await this.contacts.clearPrimary(tx, current.customerId, current.id, principal.userId) : [];
    const updated = await this.contacts.update(tx, current.id, next, principal.userId);
    await contactsUpdated(tx, [
      ...demoted.map((other) => ({ contact: other, changedFields: ['is_primary'] })),
      { contact: updated, changedFields: changed },
    ]);
    return updated;
  }

  async delete(tx: PoolClient, principal: Principal, id: string, expectedVersion: number): Promise<void> {
    checkId(id, 'id');
    requireExpectedVersion(expectedVersion);
    const current = await this.lockContactForChange(tx, principal, id);
    checkVersion('contact', current.version, expectedVersion);
    const removed = await this.contacts.deleteRelationsOf(tx, id);
    await this.contacts.softDelete(tx, id, principal.userId);
    await contactDeleted(tx, current, removed);
  }

  /** Creates or replaces the relation; `created` says whether the pair had none before. */
  async setRelation(
    tx: PoolClient,
    principal: Principal,
    command: RelationCommand,
  ): Promise<{ relation: ContactRelation; created: boolean }> {
    checkId(command.fromContactId, 'from_contact_id');
    checkId(command.toContactId, 'to_contact_id');
    checkRelationInput(command.fromContactId, command.toContactId, command.label);
    const from = await this.lockContactForChange(tx, principal, command.fromContactId);
    await this.checkSameCustomer(tx, principal, from, command.toContactId);
    const relations = await this.contacts.relationsOf(tx, from.customerId);
    if (command.kind === 'reports_to' && closesReportingCycle(relations, from.id, command.toContactId)) {
      throw new AppError(
        'failed_precondition',
        'the other contact already reports to this one, directly or through others',
        [],
        'reporting_cycle',
      );
    }
    const previous = relations.find((r) => r.fromContactId === from.id && r.toContactId === command.toContactId) ?? null;
    if (previous && sameRelation(previous, command)) return { relation: previous, created: false };
    const relation = await this.contacts.upsertRelation(tx, { ...command, customerId: from.customerId }, principal.userId);
    await contactRelationChanged(tx, from.customerId, relation, previous);
    return { relation, created: previous === null };
  }

  async removeRelation(tx: PoolClient, principal: Principal, fromContactId: string, toContactId: string): Promise<void> {
    checkId(fromContactId, 'from_contact_id');
    checkId(toContactId, 'to_contact_id');
    const from = await this.lockContactForChange(tx, principal, fromContactId);
    const removed = await this.contacts.deleteRelation(tx, from.id, toContactId);
    if (!removed) throw AppError.notFound('contact relation');
    await contactRelationChanged(tx, from.customerId, null, removed);
  }

  async graph(tx: PoolClient, principal: Principal, customerId: string): Promise<ContactGraph> {
    checkId(customerId, 'customer_id');
    // One snapshot for nodes and edges, so that no edge points at a contact deleted in between.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await this.visibleCustomer(principal, customerId, tx);
    return { nodes: await this.contacts.allOf(tx, customerId), edges: await this.contacts.relationsOf(tx, customerId) };
  }

  private async visibleCustomer(principal: Principal, customerId: string, db: Pool | PoolClient = this.pool): Promise<void> {
    if (!(await this.customers.findInScope(db, customerId, customerScopeOf(principal)))) throw AppError.notFound('customer');
  }

  /**
   * Locks the customer for the caller's transaction if the caller may change it. One the caller
   * may only read answers permission_denied; one it cannot see at all, not_found.
   */
  private async lockWritableCustomer(tx: PoolClient, principal: Principal, customerId: string): Promise<void> {
    if (await this.customers.findInScope(tx, customerId, customerWriteScopeOf(principal), true)) return;
    if (await this.customers.findInScope(tx, customerId, customerScopeOf(principal))) {
      throw new AppError('permission_denied', 'this customer is read-only for you', [], 'read_only');
    }
    throw AppError.notFound('customer');
  }

  /** The live contact, locked together with its customer, if the caller may change them. */
  private async lockContactForChange(tx: PoolClient, principal: Principal, id: string): Promise<Contact> {
    const visible = await this.contacts.findInScope(tx, id, customerScopeOf(principal));
    if (!visible) throw AppError.notFound('contact');
    await this.lockWritableCustomer(tx, principal, visible.customerId);
    // Read again under the lock: a writer that held it before may have changed or deleted it.
    const contact = await this.contacts.findLive(tx, id, true);
    if (!contact) throw AppError.notFound('contact');
    return contact;
  }

  /** The other end of a relation must be a live contact of the same customer. */
  private async checkSameCustomer(tx: PoolClient, principal: Principal, from: Contact, toContactId: string): Promise<void> {
    const to = await this.contacts.findInScope(tx, toContactId, customerScopeOf(principal));
    if (!to) throw AppError.notFound('contact');
    if (to.customerId !== from.customerId) {
      throw AppError.invalid('contacts of different customers cannot be related', [
        { field: 'to_contact_id', message: 'must be a contact of the same customer' },
      ]);
    }
  }
}

function maskToFields(paths: string[]): (keyof ContactFields)[] {
  return [...new Set(requireUpdateMask(paths, UPDATABLE_CONTACT_FIELDS).map((path) => UPDATABLE_CONTACT_FIELDS[path]))];
}
