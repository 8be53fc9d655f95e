import type { DataScope } from '@liaison/auth';
import { AppError, type PoolClient, type Queryable } from '@liaison/runtime';
import type { Contact, ContactFields, ImAccount, Phone } from '../domain/contact';
import type { ContactRelation, RelationKind } from '../domain/contact-relations';
import { scopeCondition } from './scope-sql';

// Contacts and their relations in SQL. Reads go through the customer's data scope (a join on
// customers c), so a contact of a customer outside the scope is never loaded; soft-deleted
// contacts are invisible everywhere.

interface ContactRow {
  id: string;
  seq: string;
  customer_id: string;
  name: string;
  title: string | null;
  department: string | null;
  phones: Phone[];
  email: string | null;
  im_accounts: ImAccount[];
  address: string | null;
  birth_month: number | null;
  birth_day: number | null;
  birth_year: number | null;
  hobbies: string[];
  login_account: string | null;
  is_primary: boolean;
  notes: string | null;
  version: string;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

interface RelationRow {
  customer_id: string;
  from_contact_id: string;
  to_contact_id: string;
  kind: RelationKind;
  label: string | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = `ct.id, ct.seq, ct.customer_id, ct.name, ct.title, ct.department, ct.phones, ct.email,
  ct.im_accounts, ct.address, ct.birth_month, ct.birth_day, ct.birth_year, ct.hobbies, ct.login_account,
  ct.is_primary, ct.notes, ct.version, ct.created_at, ct.created_by, ct.updated_at, ct.updated_by`;

const RELATION_COLUMNS = 'customer_id, from_contact_id, to_contact_id, kind, label, created_at, created_by, updated_at, updated_by';

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    customerId: row.customer_id,
    name: row.name,
    title: row.title,
    department: row.department,
    phones: row.phones,
    email: row.email,
    imAccounts: row.im_accounts,
    address: row.address,
    birthday:
      row.birth_month === null || row.birth_day === null ? null : { month: row.birth_month, day: row.birth_day, year: row.birth_year },
    hobbies: row.hobbies,
    loginAccount: row.login_account,
    isPrimary: row.is_primary,
    notes: row.notes,
    version: Number(row.version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toRelation(row: RelationRow): ContactRelation {
  return {
    customerId: row.customer_id,
    fromContactId: row.from_contact_id,
    toContactId: row.to_contact_id,
    kind: row.kind,
    label: row.label,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

// The order of the field placeholders in insert ($3..$16) and update ($2..$15) below.
function fieldValues(fields: ContactFields): unknown[] {
  return [
    fields.name,
    fields.title,
    fields.department,
    JSON.stringify(fields.phones),
    fields.email,
    JSON.stringify(fields.imAccounts),
    fields.address,
    fields.birthday?.month ?? null,
    fields.birthday?.day ?? null,
    fields.birthday?.year ?? null,
    fields.hobbies,
    fields.loginAccount,
    fields.isPrimary,
    fields.notes,
  ];
}

/** A unique index of a live contact, violated: the caller's input clashes with another contact. */
function clashOf(error: unknown): AppError | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505') return undefined;
  if (constraint === 'contacts_login_account') {
    return new AppError(
      'already_exists',
      'login account is already used by another contact of this customer',
      [{ field: 'login_account', message: 'is already used by another contact of this customer' }],
      'login_account_taken',
    );
  }
  return undefined;
}

async function mappingClashes<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw clashOf(error) ?? error;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export interface NewContact extends ContactFields {
  id: string;
  customerId: string;
  createdBy: string;
}

export interface ContactFilter {
  nameContains?: string;
  phoneDigits?: string;
  /** seq of the last contact of the previous page. */
  afterSeq?: string;
  limit: number;
}

export interface ContactPage {
  contacts: Contact[];
  /** seq of the last contact when more follow. */
  nextSeq: string | null;
}

export class ContactRepository {
  async insert(tx: PoolClient, contact: NewContact): Promise<Contact> {
    const { rows } = await mappingClashes(
      tx.query<ContactRow>(
        `INSERT INTO contacts AS ct (id, customer_id, name, title, department, phones, email, im_accounts, address,
         birth_month, birth_day, birth_year, hobbies, login_account, is_primary, notes, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
       RETURNING ${COLUMNS}`,
        [contact.id, contact.customerId, ...fieldValues(contact), contact.createdBy],
      ),
    );
    return toContact(rows[0]);
  }

  /** A live contact whose customer lies inside the scope. */
  async findInScope(db: Queryable, id: string, scope: DataScope): Promise<Contact | null> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<ContactRow>(
      `SELECT ${COLUMNS} FROM contacts ct JOIN customers c ON c.id = ct.customer_id
       WHERE ct.id = $1 AND ct.deleted_at IS NULL AND ${condition.text}`,
      [id, ...condition.values],
    );
    return rows[0] ? toContact(rows[0]) : null;
  }

  /** A live contact, unscoped: only for callers that have already checked the customer's scope. */
  async findLive(tx: PoolClient, id: string, forUpdate = false): Promise<Contact | null> {
    const { rows } = await tx.query<ContactRow>(
      `SELECT ${COLUMNS} FROM contacts ct WHERE ct.id = $1 AND ct.deleted_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toContact(rows[0]) : null;
  }

  /** A page of a customer's live contacts in creation order. */
  async list(db: Queryable, customerId: string, filter: ContactFilter): Promise<ContactPage> {
    const values: unknown[] = [customerId];
    const add = (value: unknown) => `$${values.push(value)}`;
    const where = ['ct.customer_id = $1', 'ct.deleted_at IS NULL'];
    if (filter.nameContains) where.push(`ct.name ILIKE ${add(`%${escapeLike(filter.nameContains)}%`)}`);
    if (filter.phoneDigits) where.push(`ct.phone_digits LIKE ${add(`%${filter.phoneDigits}%`)}`);
    if (filter.afterSeq) where.push(`ct.seq > ${add(filter.afterSeq)}::bigint`);
    const { rows } = await db.query<ContactRow>(
      `SELECT ${COLUMNS} FROM contacts ct WHERE ${where.join(' AND ')} ORDER BY ct.seq LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    return { contacts: page.map(toContact), nextSeq: rows.length > filter.limit ? page[page.length - 1].seq : null };
  }

  async allOf(db: Queryable, customerId: string): Promise<Contact[]> {
    const { rows } = await db.query<ContactRow>(
      `SELECT ${COLUMNS} FROM contacts ct WHERE ct.customer_id = $1 AND ct.deleted_at IS NULL ORDER BY ct.seq`,
      [customerId],
    );
    return rows.map(toContact);
  }

  async update(tx: PoolClient, id: string, fields: ContactFields, updatedBy: string): Promise<Contact> {
    const { rows } = await mappingClashes(
      tx.query<ContactRow>(
        `UPDATE contacts AS ct SET name = $2, title = $3, department = $4, phones = $5::jsonb, email = $6,
         im_accounts = $7::jsonb, address = $8, birth_month = $9, birth_day = $10, birth_year = $11, hobbies = $12,
         login_account = $13, is_primary = $14, notes = $15, version = ct.version + 1, updated_at = now(), updated_by = $16
       WHERE ct.id = $1 RETURNING ${COLUMNS}`,
        [id, ...fieldValues(fields), updatedBy],
      ),
    );
    return toContact(rows[0]);
  }

  /** Takes the primary flag from the customer's other live contacts; returns them as changed. */
  async clearPrimary(tx: PoolClient, customerId: string, exceptId: string | null, updatedBy: string): Promise<Contact[]> {
    const { rows } = await tx.query<ContactRow>(
      `UPDATE contacts AS ct SET is_primary = false, version = ct.version + 1, updated_at = now(), updated_by = $3
       WHERE ct.customer_id = $1 AND ct.is_primary AND ct.deleted_at IS NULL AND ct.id IS DISTINCT FROM $2
       RETURNING ${COLUMNS}`,
      [customerId, exceptId, updatedBy],
    );
    return rows.map(toContact);
  }

  async softDelete(tx: PoolClient, id: string, deletedBy: string): Promise<void> {
    await tx.query(
      `UPDATE contacts SET deleted_at = now(), deleted_by = $2, version = version + 1, updated_at = now(), updated_by = $2
       WHERE id = $1`,
      [id, deletedBy],
    );
  }

  async relationsOf(db: Queryable, customerId: string): Promise<ContactRelation[]> {
    const { rows } = await db.query<RelationRow>(
      `SELECT ${RELATION_COLUMNS} FROM contact_relations WHERE customer_id = $1 ORDER BY created_at, from_contact_id, to_contact_id`,
      [customerId],
    );
    return rows.map(toRelation);
  }

  /** Creates the relation of the pair or replaces its kind and label. */
  async upsertRelation(
    tx: PoolClient,
    relation: Pick<ContactRelation, 'customerId' | 'fromContactId' | 'toContactId' | 'kind' | 'label'>,
    by: string,
  ): Promise<ContactRelation> {
    const { rows } = await tx.query<RelationRow>(
      `INSERT INTO contact_relations (customer_id, from_contact_id, to_contact_id, kind, label, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (from_contact_id, to_contact_id)
       DO UPDATE SET kind = EXCLUDED.kind, label = EXCLUDED.label, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING ${RELATION_COLUMNS}`,
      [relation.customerId, relation.fromContactId, relation.toContactId, relation.kind, relation.label, by],
    );
    return toRelation(rows[0]);
  }

  async deleteRelation(tx: PoolClient, fromContactId: string, toContactId: string): Promise<ContactRelation | null> {
    const { rows } = await tx.query<RelationRow>(
      `DELETE FROM contact_relations WHERE from_contact_id = $1 AND to_contact_id = $2 RETURNING ${RELATION_COLUMNS}`,
      [fromContactId, toContactId],
    );
    return rows[0] ? toRelation(rows[0]) : null;
  }

  /** Removes every relation from or to the contact, returning what was removed. */
  async deleteRelationsOf(tx: PoolClient, contactId: string): Promise<ContactRelation[]> {
    const { rows } = await tx.query<RelationRow>(
      `DELETE FROM contact_relations WHERE from_contact_id = $1 OR to_contact_id = $1 RETURNING ${RELATION_COLUMNS}`,
      [contactId],
    );
    return rows.map(toRelation);
  }
}
