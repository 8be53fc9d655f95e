import { randomUUID } from 'node:crypto';
import { requirePermission } from '@liaison/auth';
import { AppError, inTransaction, pageSizeOf, requireUuid, seqPageTokens, type Pool, type PoolClient } from '@liaison/runtime';
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
import { ApprovalRepository, type ListFilter } from './repository';
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
  kinds: string[];
  subjectType?: string;
  subjectId?: string;
  pageSize: number;
  pageToken: string;
}

export interface ApprovalList {
  approvals: ApprovalRequest[];
  nextPageToken: string;
}

const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'withdrawn'];
const MAX_TEXT = 1000;
// Line breaks and tabs belong in a comment; other control characters break logs and exports.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const approvalPages = seqPageTokens('approvals');

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

// The most specific org unit the requester belongs to.
function primaryUnit(actor: Actor): string | null {
  const units = [...actor.units].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  return units[0] ?? null;
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
    requirePermission(actor, 'approval', 'read');
    checkId(id);
    const request = await this.repository.findReadable(this.options.pool, id, actor);
    if (!request) throw AppError.notFound('approval');
    return request;
  }

  async list(actor: Actor, query: ListQuery): Promise<ApprovalList> {
    requirePermission(actor, 'approval', 'read');
    const pageSize = pageSizeOf(query.pageSize);
    this.checkFilter(query);
    const page = await this.repository.list(this.options.pool, actor, {
      role: query.role,
      statuses: query.statuses,
      kinds: query.kinds,
      subjectType: query.subjectType,
      subjectId: query.subjectId,
      afterSeq: approvalPages.decode(query.pageToken),
      limit: pageSize,
    });
    return { approvals: page.requests, nextPageToken: page.nextSeq ? approvalPages.encode(page.nextSeq) : '' };
  }

  approve(actor: Actor, input: DecisionInput): Promise<ApprovalRequest> {
    return this.decide(actor, input, 'approve');
  }

  reject(actor: Actor, input: DecisionInput): Promise<ApprovalRequest> {
    return this.decide(actor, input, 'reject');
  }

  async withdraw(actor: Actor, input: { id: string; comment: string }): Promise<ApprovalRequest> {
    requirePermission(actor, 'approval', 'create');
    checkId(input.id);
    const comment = cleanApprovalText(input.comment, 'comment');
    return inTransaction(this.options.pool, async (tx) => {
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
    });
  }

  private async decide(actor: Actor, input: DecisionInput, decision: Decision): Promise<ApprovalRequest> {
    requirePermission(actor, 'approval', 'approve');
    checkId(input.id);
    checkStep(input.step);
    const comment = cleanApprovalText(input.comment, 'comment');
    return inTransaction(this.options.pool, async (tx) => {
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
    });
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

  private checkFilter(query: ListQuery): void {
    const unknownStatuses = query.statuses.filter((status) => !STATUSES.includes(status));
    const known = this.options.kinds.names();
    const unknownKinds = query.kinds.filter((kind) => !known.includes(kind));
    const violations = [
      ...unknownStatuses.map((status) => ({ field: 'statuses', message: `"${status}" is not a status (${STATUSES.join(', ')})` })),
      ...unknownKinds.map((kind) => ({ field: 'kinds', message: `"${kind}" is not a kind (${known.join(', ')})` })),
    ];
    if (violations.length > 0) throw AppError.invalid('unknown filter values', violations);
  }
}
