import type { DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import type { Annotation, FollowUp, FollowUpFields, FollowUpMethod, ReminderLevel } from '../domain/followup';
import { scopeCondition } from './scope-sql';

interface FollowUpRow {
  id: string;
  seq: string;
  customer_id: string;
  contact_id: string | null;
  method: FollowUpMethod;
  content: string;
  occurred_at: Date;
  occurred_key: string;
  next_follow_up_date: string | null;
  reminder: ReminderLevel;
  author_id: string;
  created_at: Date;
  updated_at: Date;
}

interface AnnotationRow {
  id: string;
  follow_up_id: string;
  author_id: string;
  comment: string;
  created_at: Date;
}

// occurred_key keeps the microseconds a JS Date would lose, so a page cursor never skips a row;
// fixed to UTC so that it does not depend on the session's time zone or date style.
const COLUMNS = `f.id, f.seq, f.customer_id, f.contact_id, f.method, f.content, f.occurred_at,
  to_char(f.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_key, to_char(f.next_follow_up_date, 'YYYY-MM-DD') AS next_follow_up_date,
  f.reminder, f.author_id, f.created_at, f.updated_at`;

function toFollowUp(row: FollowUpRow, annotations: Annotation[] = []): FollowUp {
  return {
    id: row.id,
    customerId: row.customer_id,
    contactId: row.contact_id,
    method: row.method,
    content: row.content,
    occurredAt: row.occurred_at,
    nextFollowUpDate: row.next_follow_up_date,
    reminder: row.reminder,
    authorId: row.author_id,
    annotations,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAnnotation(row: AnnotationRow): Annotation {
  return { id: row.id, followUpId: row.follow_up_id, authorId: row.author_id, comment: row.comment, createdAt: row.created_at };
}

export interface NewFollowUp extends FollowUpFields {
  id: string;
  customerId: string;
  authorId: string;
  requestId: string | null;
}

/** Where the previous page ended: the occurrence time (UTC, microseconds) and seq of its last row. */
export interface FollowUpCursor {
  occurredAt: string;
  seq: string;
}

export interface FollowUpListFilter {
  customerId?: string;
  methods?: FollowUpMethod[];
  authorId?: string;
  occurredFrom?: Date;
  occurredTo?: Date;
  after?: FollowUpCursor;
  limit: number;
}

export interface FollowUpPage {
  followUps: FollowUp[];
  next: FollowUpCursor | null;
}

function filterConditions(filter: FollowUpListFilter, add: (value: unknown) => string): string[] {
  const where = ['f.deleted_at IS NULL'];
  if (filter.customerId) where.push(`f.customer_id = ${add(filter.customerId)}`);
  if (filter.methods?.length) where.push(`f.method = ANY(${add(filter.methods)}::text[])`);
  if (filter.authorId) where.push(`f.author_id = ${add(filter.authorId)}`);
  if (filter.occurredFrom) where.push(`f.occurred_at >= ${add(filter.occurredFrom)}`);
  if (filter.occurredTo) where.push(`f.occurred_at < ${add(filter.occurredTo)}`);
  if (filter.after) where.push(`(f.occurred_at, f.seq) < (${add(filter.after.occurredAt)}::timestamptz, ${add(filter.after.seq)}::bigint)`);
  return where;
}

export class FollowUpRepository {
  /** Inserts; returns null when (authorId, requestId) was already used (an idempotent retry). */
  async insert(tx: PoolClient, followUp: NewFollowUp): Promise<FollowUp | null> {
    const { rows } = await tx.query<FollowUpRow>(
      `INSERT INTO follow_ups AS f (id, customer_id, contact_id, method, content, occurred_at, next_follow_up_date, reminder, author_id, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10)
       ON CONFLICT ON CONSTRAINT follow_ups_idempotency DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        followUp.id,
        followUp.customerId,
        followUp.contactId,
        followUp.method,
        followUp.content,
        followUp.occurredAt,
        followUp.nextFollowUpDate,
        followUp.reminder,
        followUp.authorId,
        followUp.requestId,
      ],
    );
    return rows[0] ? toFollowUp(rows[0]) : null;
  }

  /** The id a request id was first used for, deleted or not. */
  async idOfRequest(db: Queryable, authorId: string, requestId: string): Promise<string | null> {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM follow_ups WHERE author_id = $1 AND request_id = $2', [
      authorId,
      requestId,
    ]);
    return rows[0]?.id ?? null;
  }

  /** A live record whose customer lies in the scope; `forUpdate` locks the record. */
  async findInScope(db: Queryable, id: string, scope: DataScope, forUpdate = false): Promise<FollowUp | null> {
    const condition = scopeCondition(scope, 2);
    const { rows } = await db.query<FollowUpRow>(
      `SELECT ${COLUMNS} FROM follow_ups f JOIN customers c ON c.id = f.customer_id
       WHERE f.id = $1 AND f.deleted_at IS NULL AND ${condition.text}${forUpdate ? ' FOR UPDATE OF f' : ''}`,
      [id, ...condition.values],
    );
    return rows[0] ? this.withAnnotations(db, rows[0]) : null;
  }

  /** Records on the customers in the scope, newest occurrence first. */
  async list(db: Queryable, scope: DataScope, filter: FollowUpListFilter): Promise<FollowUpPage> {
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    const condition = scopeCondition(scope, 1);
    values.push(...condition.values);
    const where = [condition.text, ...filterConditions(filter, add)];
    const { rows } = await db.query<FollowUpRow>(
      `SELECT ${COLUMNS} FROM follow_ups f JOIN customers c ON c.id = f.customer_id
       WHERE ${where.join(' AND ')}
       ORDER BY f.occurred_at DESC, f.seq DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const annotations = await this.annotationsOf(
      db,
      page.map((row) => row.id),
    );
    return {
      followUps: page.map((row) => toFollowUp(row, annotations.get(row.id))),
      next: rows.length > filter.limit ? { occurredAt: last.occurred_key, seq: last.seq } : null,
    };
  }

  async update(tx: PoolClient, id: string, fields: FollowUpFields): Promise<FollowUp> {
    const { rows } = await tx.query<FollowUpRow>(
      `UPDATE follow_ups AS f SET contact_id = $2, method = $3, content = $4, occurred_at = $5,
         next_follow_up_date = $6::date, reminder = $7, updated_at = now()
       WHERE f.id = $1 RETURNING ${COLUMNS}`,
      [id, fields.contactId, fields.method, fields.content, fields.occurredAt, fields.nextFollowUpDate, fields.reminder],
    );
    return this.withAnnotations(tx, rows[0]);
  }

  async softDelete(tx: PoolClient, id: string, deletedBy: string): Promise<void> {
    await tx.query('UPDATE follow_ups SET deleted_at = now(), deleted_by = $2 WHERE id = $1', [id, deletedBy]);
  }

  async addAnnotation(tx: PoolClient, annotation: Omit<Annotation, 'createdAt'>): Promise<Annotation> {
    const { rows } = await tx.query<AnnotationRow>(
      `INSERT INTO follow_up_annotations (id, follow_up_id, author_id, comment) VALUES ($1, $2, $3, $4)
       RETURNING id, follow_up_id, author_id, comment, created_at`,
      [annotation.id, annotation.followUpId, annotation.authorId, annotation.comment],
    );
    return toAnnotation(rows[0]);
  }

  /** Moves the customer's last contact forward only: a late-recorded old visit never moves it back. */
  async touchLastContacted(tx: PoolClient, customerId: string, occurredAt: Date): Promise<void> {
    await tx.query('UPDATE customers SET last_contacted_at = GREATEST(last_contacted_at, $2::timestamptz) WHERE id = $1', [
      customerId,
      occurredAt,
    ]);
  }

  /**
   * True when the contact belongs to the customer and is live. Contacts come from another part of
   * the service that may not be migrated yet; without their table no contact can be checked.
   */
  async contactBelongsTo(db: Queryable, contactId: string, customerId: string): Promise<boolean | undefined> {
    const {
      rows: [table],
    } = await db.query<{ exists: boolean }>("SELECT to_regclass('contacts') IS NOT NULL AS exists");
    if (!table.exists) return undefined;
    const { rows } = await db.query('SELECT 1 FROM contacts WHERE id = $1 AND customer_id = $2 AND deleted_at IS NULL', [
      contactId,
      customerId,
    ]);
    return rows.length > 0;
  }

  private async withAnnotations(db: Queryable, row: FollowUpRow): Promise<FollowUp> {
    const annotations = await this.annotationsOf(db, [row.id]);
    return toFollowUp(row, annotations.get(row.id));
  }

  private async annotationsOf(db: Queryable, followUpIds: string[]): Promise<Map<string, Annotation[]>> {
    const byFollowUp = new Map<string, Annotation[]>();
    if (followUpIds.length === 0) return byFollowUp;
    const { rows } = await db.query<AnnotationRow>(
      `SELECT id, follow_up_id, author_id, comment, created_at FROM follow_up_annotations
       WHERE follow_up_id = ANY($1::uuid[]) ORDER BY seq`,
      [followUpIds],
    );
    for (const row of rows) {
      const list = byFollowUp.get(row.follow_up_id) ?? [];
      list.push(toAnnotation(row));
      byFollowUp.set(row.follow_up_id, list);
    }
    return byFollowUp;
  }
}
