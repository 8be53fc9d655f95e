import { randomUUID } from 'node:crypto';
import { primaryUnit, requirePermission } from '@liaison/auth';
import { AppError, isIsoTime, isRecord, isUuid, pageSizeOf, pageTokens, requireUuid, type Pool, type PoolClient } from '@liaison/runtime';
import type { ApprovalCallback, ApprovalKind, ApprovalKinds } from './kinds';
import {
  REQUESTER_ROLE,
  type Actor,
  type ApprovalRequest,
  type ApprovalStatus,
  type ApprovalSubject,
  type Decision,
  type LogEntry,
} from './model';
import { ApprovalRepository, type ListCursor, type ListFilter } from './repository';
import { checkWithdraw, decide, resolveSteps, type DecisionPolicy } from './state-machine';
import type { ViewerPolicy } from './viewer-sql';

// The approval use cases: permission (module `approval`), visibility, the state machine, the
// operation log, the kind's callback and the events, each action in one transaction.

/** Writes the approval events, in the caller's transaction (normally through the outbox). */
export interface ApprovalEvents {
  requested(tx: PoolClient, request: ApprovalRequest): Promise<unknown>;
  decided(tx: PoolClient, request: ApprovalRequest, decision: Omit<LogEntry, 'at'> & { action: Decision }): Promise<unknown>;
  completed(tx: PoolClient, request: ApprovalRequest): Promise<unknown>;
}

export interface ApprovalsOptions {
  pool: Pool;
  kinds: ApprovalKinds;
  events: ApprovalEvents;
  /** Roles that read every request; default admin and director. */
  readAllRoles?: readonly string[];
  /** Roles that may decide any step; default admin. */
  overrideRoles?: readonly string[];
}

export interface Submission<P> {
  kind: string;
  subject: ApprovalSubject;
  /** The org unit the request concerns (e.g. the customer owner's); its managers decide. */
  unit: string | null;
  reason: string;
  payload: P;
  /**
   * Steps only this request needs, decided after the kind's plan: e.g. the managers of the
   * receiving unit of a transfer across units. Their deciders must manage `unit` (null = any
   * holder of the roles).
   */
  extraSteps?: readonly { name: string; roles: readonly string[]; unit: string | null }[];
}

export interface DecisionInput {
  id: string;
  /** The step being decided, as the decider read it. */
  step: number;
  comment: string;
}

export interface ListQuery {
  role: ListFilter['role'];
  statuses: ApprovalStatus[];
  /** Kinds of any service: those this service does not decide are ignored. */
  kinds: string[];
  subjectType?: string;
  subjectId?: string;
  pageSize: number;
  /** Continues this service's list; `before` continues a list merged across services. */
  pageToken: string;
  before?: ListCursor;
}

export interface ApprovalList {
  approvals: ApprovalRequest[];
  nextPageToken: string;
}

const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'withdrawn'];
const MAX_TEXT = 1000;
// Line breaks and tabs belong in a comment; other control characters break logs and exports.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// The list order's position (created_at in ms, id) is the token: the same in every service.
const approvalPages = pageTokens<{ t: string; id: string }>('approvals', (cursor) =>
  isRecord(cursor) && isIsoTime(cursor.t) && typeof cursor.id === 'string' && isUuid(cursor.id)
    ? { t: cursor.t, id: cursor.id }
    : undefined,
);

/** NFC, trimmed, bounded free text (a reason or comment); throws a field violation otherwise. */
export function cleanApprovalText(text: string, field: string, maxLength = MAX_TEXT): string {
  const cleaned = text.normalize('NFC').trim();
  if ([...cleaned].length > maxLength)
    throw AppError.invalid(`${field} is too long`, [{ field, message: `must be at most ${maxLength} characters` }]);
  if (CONTROL_CHARS.test(cleaned))
    throw AppError.invalid(`${field} contains control characters`, [{ field, message: 'must not contain control characters' }]);
  return cleaned;
}

function checkId(id: string): void {
  requireUuid(id, 'id');
}

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 1)
    throw AppError.invalid('step is required', [{ field: 'step', message: 'name the step you decide (1 or more)' }]);
}

export class Approvals {
  private readonly repository: ApprovalRepository;
  private readonly policy: DecisionPolicy & ViewerPolicy;

  constructor(private readonly options: ApprovalsOptions) {
    this.policy = { readAllRoles: options.readAllRoles ?? ['admin', 'director'], overrideRoles: options.overrideRoles ?? ['admin'] };
    this.repository = new ApprovalRepository(this.policy);
  }

  /**
   * Opens a request inside the caller's transaction, after the caller has checked the subject
   * (and locked it, so that concurrent submissions for one subject queue up).
   */
  async submit<P extends Record<string, unknown>>(tx: PoolClient, actor: Actor, submission: Submission<P>): Promise<ApprovalRequest<P>> {
    // Checked here, not only by an RPC: a submission is the last step of use cases whose RPCs
    // declare permissions of their own (a transfer, an invalid-customer application).
    requirePermission(actor, 'approval', 'create');
    const kind = this.kindOf(submission.kind);
    if (kind.subjectType !== submission.subject.type)
      throw new AppError('internal', `${kind.name} concerns a ${kind.subjectType}, not a ${submission.subject.type}`);
    const reason = cleanApprovalText(submission.reason, 'reason');
    const id = randomUUID();
    const inserted = await this.repository.insert(tx, {
      id,
      kind: kind.name,
      subject: submission.subject,
      requester: actor,
      requesterUnit: primaryUnit(actor),
      unit: submission.unit,
      reason,
      payload: submission.payload,
      steps: resolveSteps(kind.steps, submission.unit, submission.extraSteps),
    });
    if (!inserted)
      throw new AppError(
        'already_exists',
        `a ${kind.name} request for this ${kind.subjectType} is already pending`,
        [],
        'approval_pending',
      );
    await this.repository.appendLog(tx, id, {
      step: 0,
      action: 'submit',
      actorId: actor.userId,
      actorName: actor.username,
      actorRole: REQUESTER_ROLE,
      comment: reason,
    });
    const request = await this.repository.reload(tx, id);
    await this.options.events.requested(tx, request);
    return request as ApprovalRequest<P>;
  }

  async get(actor: Actor, id: string): Promise<ApprovalRequest> {
    checkId(id);
    const request = await this.repository.findReadable(this.options.pool, id, actor);
    if (!request) throw AppError.notFound('approval');
    return request;
  }

  async list(actor: Actor, query: ListQuery): Promise<ApprovalList> {
    const pageSize = pageSizeOf(query.pageSize);
    this.checkStatuses(query.statuses);
    const known = this.options.kinds.names();
    const kinds = query.kinds.filter((kind) => known.includes(kind));
    // Only kinds of other services asked for: none of their requests lives here.
    if (query.kinds.length > 0 && kinds.length === 0) return { approvals: [], nextPageToken: '' };
    const token = approvalPages.decode(query.pageToken);
    const page = await this.repository.list(this.options.pool, actor, {
      role: query.role,
      statuses: query.statuses,
      kinds,
      subjectType: query.subjectType,
      subjectId: query.subjectId,
      before: token ? { createdAt: new Date(token.t), id: token.id } : query.before,
      limit: pageSize,
    });
    const next = page.next && approvalPages.encode({ t: page.next.createdAt.toISOString(), id: page.next.id });
    return { approvals: page.requests, nextPageToken: next || '' };
  }

  /** The kinds of approval this service decides. */
  kinds(): string[] {
    return this.options.kinds.names();
  }

  approve(tx: PoolClient, actor: Actor, input: DecisionInput): Promise<ApprovalRequest> {
    return this.decide(tx, actor, input, 'approve');
  }

  reject(tx: PoolClient, actor: Actor, input: DecisionInput): Promise<ApprovalRequest> {
    return this.decide(tx, actor, input, 'reject');
  }

  async withdraw(tx: PoolClient, actor: Actor, input: { id: string; comment: string }): Promise<ApprovalRequest> {
    checkId(input.id);
    const comment = cleanApprovalText(input.comment, 'comment');
    const request = await this.lockReadable(tx, input.id, actor);
    checkWithdraw(request, actor);
    await this.runCallback(tx, this.kindOf(request.kind).onWithdrawn, { ...request, status: 'withdrawn' }, actor);
    await this.repository.updateState(tx, request.id, 'withdrawn', request.currentStep);
    await this.repository.appendLog(tx, request.id, {
      step: request.currentStep,
      action: 'withdraw',
      actorId: actor.userId,
      actorName: actor.username,
      actorRole: REQUESTER_ROLE,
      comment,
    });
    const withdrawn = await this.repository.reload(tx, request.id);
    await this.options.events.completed(tx, withdrawn);
    return withdrawn;
  }

  private async decide(tx: PoolClient, actor: Actor, input: DecisionInput, decision: Decision): Promise<ApprovalRequest> {
    checkId(input.id);
    checkStep(input.step);
    const comment = cleanApprovalText(input.comment, 'comment');
    const request = await this.lockReadable(tx, input.id, actor);
    const transition = decide(request, actor, { step: input.step, decision, comment }, this.policy);
    const entry = {
      step: request.currentStep,
      action: decision,
      actorId: actor.userId,
      actorName: actor.username,
      actorRole: transition.role,
      comment,
    };
    await this.repository.recordDecision(tx, request.id, request.currentStep, decision, actor, comment);
    await this.repository.appendLog(tx, request.id, entry);
    // The subject changes before the request row does: a submission for the same subject holds
    // the subject's lock while it checks for a pending request, so this order cannot deadlock.
    if (transition.status !== 'pending') {
      const kind = this.kindOf(request.kind);
      const callback = transition.status === 'approved' ? kind.onApproved : kind.onRejected;
      await this.runCallback(tx, callback, { ...(await this.repository.reload(tx, request.id)), status: transition.status }, actor);
    }
    await this.repository.updateState(tx, request.id, transition.status, transition.currentStep);
    const decided = await this.repository.reload(tx, request.id);
    await this.options.events.decided(tx, decided, entry);
    if (decided.status !== 'pending') await this.options.events.completed(tx, decided);
    return decided;
  }

  private async lockReadable(tx: PoolClient, id: string, actor: Actor): Promise<ApprovalRequest> {
    const request = await this.repository.findReadable(tx, id, actor, true);
    if (!request) throw AppError.notFound('approval');
    return request;
  }

  private async runCallback(
    tx: PoolClient,
    callback: ApprovalCallback<Record<string, unknown>> | undefined,
    request: ApprovalRequest,
    actor: Actor,
  ): Promise<void> {
    if (callback) await callback(tx, request, actor);
  }

  private kindOf(name: string): ApprovalKind<Record<string, unknown>> {
    const kind = this.options.kinds.find(name);
    if (!kind) throw new AppError('internal', `approval kind ${name} is not registered in this service`);
    return kind;
  }

  private checkStatuses(statuses: ApprovalStatus[]): void {
    const unknown = statuses.filter((status) => !STATUSES.includes(status));
    const violations = unknown.map((status) => ({ field: 'statuses', message: `"${status}" is not a status (${STATUSES.join(', ')})` }));
    if (violations.length > 0) throw AppError.invalid('unknown statuses', violations);
  }
}
