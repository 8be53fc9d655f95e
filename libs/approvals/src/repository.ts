import type { PoolClient, Queryable } from '@liaison/runtime';
import type { Actor, ApprovalRequest, ApprovalStatus, ApprovalStep, Decision, LogEntry } from './model';
import { awaitingDecisionBy, readableBy, type AddParam, type ViewerPolicy } from './viewer-sql';

interface RequestRow {
  id: string;
  seq: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  subject_title: string;
  requester_id: string;
  requester_name: string;
  requester_unit: string | null;
  unit: string | null;
  reason: string;
  payload: Record<string, unknown>;
  status: ApprovalStatus;
  current_step: number;
  version: string;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

interface StepRow {
  request_id: string;
  position: number;
  name: string;
  roles: string[];
  unit: string | null;
  decision: Decision | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  comment: string | null;
}

interface LogRow {
  step: number;
  action: LogEntry['action'];
  actor_id: string;
  actor_name: string;
  actor_role: string;
  comment: string;
  at: Date;
}

const COLUMNS = `r.id, r.seq, r.kind, r.subject_type, r.subject_id, r.subject_title, r.requester_id, r.requester_name,
  r.requester_unit, r.unit, r.reason, r.payload, r.status, r.current_step, r.version, r.created_at, r.updated_at, r.completed_at`;

function toRequest(row: RequestRow, steps: ApprovalStep[], log: LogEntry[] = []): ApprovalRequest {
  return {
    id: row.id,
    kind: row.kind,
    subject: { type: row.subject_type, id: row.subject_id, title: row.subject_title },
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    requesterUnit: row.requester_unit,
    unit: row.unit,
    reason: row.reason,
    payload: row.payload,
    status: row.status,
    currentStep: row.current_step,
    steps,
    log,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

function toStep(row: StepRow): ApprovalStep {
  return {
    position: row.position,
    name: row.name,
    roles: row.roles,
    unit: row.unit,
    decision: row.decision,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by_name,
    decidedAt: row.decided_at,
    comment: row.comment,
  };
}

function toLogEntry(row: LogRow): LogEntry {
  return {
    step: row.step,
    action: row.action,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRole: row.actor_role,
    comment: row.comment,
    at: row.at,
  };
}

function parameters(): { values: unknown[]; add: AddParam } {
  const values: unknown[] = [];
  return { values, add: (value) => `$${values.push(value)}` };
}

/** A position in the list order, the same in every service: created_at (ms precision) and id. */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

export interface ListFilter {
  /** requester: the actor's own; decider: awaiting the actor's decision; all: every readable one. */
  role: 'requester' | 'decider' | 'all';
  statuses: ApprovalStatus[];
  kinds: string[];
  subjectType?: string;
  subjectId?: string;
  /** Only requests after this one in list order (newest first by created_at, then id). */
  before?: ListCursor;
  limit: number;
}

export interface RequestPage {
  requests: ApprovalRequest[];
  /** The last request of the page when more follow. */
  next: ListCursor | null;
}

export interface NewRequest {
  id: string;
  kind: string;
  subject: ApprovalRequest['subject'];
  requester: Actor;
  requesterUnit: string | null;
  unit: string | null;
  reason: string;
  payload: Record<string, unknown>;
  steps: ApprovalStep[];
}

export class ApprovalRepository {
  constructor(private readonly policy: ViewerPolicy) {}

  /** Inserts the request and its steps; returns false when the kind already has one pending for the subject. */
  async insert(tx: PoolClient, request: NewRequest): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO approval_requests (id, kind, subject_type, subject_id, subject_title, requester_id, requester_name,
         requester_unit, unit, reason, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (kind, subject_type, subject_id) WHERE status = 'pending' DO NOTHING`,
      [
        request.id,
        request.kind,
        request.subject.type,
        request.subject.id,
        request.subject.title,
        request.requester.userId,
        request.requester.username,
        request.requesterUnit,
        request.unit,
        request.reason,
        JSON.stringify(request.payload),
      ],
    );
    if (rowCount === 0) return false;
    await tx.query(
      `INSERT INTO approval_steps (request_id, position, name, roles, unit)
       SELECT $1, s.position, s.name, s.roles, s.unit
       FROM jsonb_to_recordset($2::jsonb) AS s(position integer, name text, roles text[], unit text)`,
      [request.id, JSON.stringify(request.steps.map(({ position, name, roles, unit }) => ({ position, name, roles, unit })))],
    );
    return true;
  }

  /** One request the actor may read, with steps and log; `forUpdate` locks it for a decision. */
  async findReadable(db: Queryable, id: string, actor: Actor, forUpdate = false): Promise<ApprovalRequest | null> {
    const { values, add } = parameters();
    const idParam = add(id);
    const { rows } = await db.query<RequestRow>(
      `SELECT ${COLUMNS} FROM approval_requests r WHERE r.id = ${idParam} AND ${readableBy(actor, this.policy, add)}
       ${forUpdate ? 'FOR UPDATE OF r' : ''}`,
      values,
    );
    if (!rows[0]) return null;
    const steps = await this.stepsOf(db, [id]);
    return toRequest(rows[0], steps.get(id) ?? [], await this.logOf(db, id));
  }

  async list(db: Queryable, actor: Actor, filter: ListFilter): Promise<RequestPage> {
    const { values, add } = parameters();
    const where = [readableBy(actor, this.policy, add), ...filterConditions(actor, filter, add)];
    const { rows } = await db.query<RequestRow>(
      `SELECT ${COLUMNS} FROM approval_requests r WHERE ${where.join(' AND ')}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ${add(filter.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    const steps = await this.stepsOf(
      db,
      page.map((row) => row.id),
    );
    return {
      requests: page.map((row) => toRequest(row, steps.get(row.id) ?? [])),
      next: rows.length > filter.limit ? { createdAt: page[page.length - 1].created_at, id: page[page.length - 1].id } : null,
    };
  }

  async recordDecision(tx: PoolClient, requestId: string, step: number, decision: Decision, actor: Actor, comment: string): Promise<void> {
    await tx.query(
      `UPDATE approval_steps SET decision = $3, decided_by = $4, decided_by_name = $5, decided_at = now(), comment = $6
       WHERE request_id = $1 AND position = $2`,
      [requestId, step, decision, actor.userId, actor.username, comment || null],
    );
  }

  async updateState(tx: PoolClient, requestId: string, status: ApprovalStatus, currentStep: number): Promise<void> {
    await tx.query(
      `UPDATE approval_requests SET status = $2, current_step = $3, version = version + 1, updated_at = now(),
         completed_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
       WHERE id = $1`,
      [requestId, status, currentStep],
    );
  }

  async appendLog(tx: PoolClient, requestId: string, entry: Omit<LogEntry, 'at'>): Promise<void> {
    await tx.query(
      `INSERT INTO approval_log (request_id, step, action, actor_id, actor_name, actor_role, comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [requestId, entry.step, entry.action, entry.actorId, entry.actorName, entry.actorRole, entry.comment],
    );
  }

  /** Reads a request back after a change in the same transaction, without visibility rules. */
  async reload(tx: PoolClient, id: string): Promise<ApprovalRequest> {
    const { rows } = await tx.query<RequestRow>(`SELECT ${COLUMNS} FROM approval_requests r WHERE r.id = $1`, [id]);
    const steps = await this.stepsOf(tx, [id]);
    return toRequest(rows[0], steps.get(id) ?? [], await this.logOf(tx, id));
  }

  private async stepsOf(db: Queryable, ids: string[]): Promise<Map<string, ApprovalStep[]>> {
    const byRequest = new Map<string, ApprovalStep[]>();
    if (ids.length === 0) return byRequest;
    const { rows } = await db.query<StepRow>(
      `SELECT request_id, position, name, roles, unit, decision, decided_by, decided_by_name, decided_at, comment
       FROM approval_steps WHERE request_id = ANY($1::uuid[]) ORDER BY request_id, position`,
      [ids],
    );
    for (const row of rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), toStep(row)]);
    return byRequest;
  }

  private async logOf(db: Queryable, id: string): Promise<LogEntry[]> {
    const { rows } = await db.query<LogRow>(
      'SELECT step, action, actor_id, actor_name, actor_role, comment, at FROM approval_log WHERE request_id = $1 ORDER BY id',
      [id],
    );
    return rows.map(toLogEntry);
  }
}

function filterConditions(actor: Actor, filter: ListFilter, add: AddParam): string[] {
  const where: string[] = [];
  if (filter.role === 'requester') where.push(`r.requester_id = ${add(actor.userId)}`);
  if (filter.role === 'decider') where.push(awaitingDecisionBy(actor, add));
  if (filter.statuses.length > 0) where.push(`r.status = ANY(${add(filter.statuses)}::text[])`);
  if (filter.kinds.length > 0) where.push(`r.kind = ANY(${add(filter.kinds)}::text[])`);
  if (filter.subjectType) where.push(`r.subject_type = ${add(filter.subjectType)}`);
  if (filter.subjectId) where.push(`r.subject_id = ${add(filter.subjectId)}`);
  if (filter.before) where.push(`(r.created_at, r.id) < (${add(filter.before.createdAt)}, ${add(filter.before.id)}::uuid)`);
  return where;
}
