import { unitCovers } from '@liaison/auth';
import { AppError } from '@liaison/runtime';
import type { Actor, ApprovalRequest, ApprovalStatus, ApprovalStep, Decision, StepRule } from './model';

// The rules of an approval, free of SQL: resolving a kind's plan into steps, who may decide a
// step, and where a decision or a withdrawal leads.

/** Roles that decide any step (the administrator's override); recorded as such in the log. */
export interface DecisionPolicy {
  overrideRoles: readonly string[];
}

/** The unit `levelsUp` levels above `unit`: /Sales/East raised 1 is /Sales; null past the root. */
export function unitAbove(unit: string, levelsUp: number): string | null {
  const segments = unit.split('/').slice(1);
  const kept = segments.length - levelsUp;
  return kept >= 1 ? `/${segments.slice(0, kept).join('/')}` : null;
}

/** Turns a kind's plan into the steps of one request; refuses a plan nobody could decide. */
export function resolveSteps(
  plan: readonly StepRule[],
  unit: string | null,
  extra: readonly { name: string; roles: readonly string[]; unit: string | null }[] = [],
): ApprovalStep[] {
  if (plan.length === 0) throw new AppError('internal', 'an approval kind needs at least one step');
  const planned = plan.map((rule) => ({ name: rule.name, roles: rule.roles, unit: rule.managerOfUnit ? managedUnitOf(rule, unit) : null }));
  return [...planned, ...extra].map((step, index) => ({
    position: index + 1,
    name: step.name,
    roles: [...step.roles],
    unit: step.unit,
    decision: null,
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    comment: null,
  }));
}

function managedUnitOf(rule: StepRule, unit: string | null): string {
  const managed = unit ? unitAbove(unit, rule.managerOfUnit?.levelsUp ?? 0) : null;
  if (!managed) {
    throw new AppError(
      'failed_precondition',
      `nobody manages the unit this request concerns, so "${rule.name}" could not be decided`,
      [],
      'no_approver',
    );
  }
  return managed;
}

/** The role in which the actor may decide the step, or undefined when they may not. */
export function deciderRoleOf(step: ApprovalStep, actor: Actor, policy: DecisionPolicy): string | undefined {
  const stepRole = step.roles.find((role) => actor.roles.includes(role));
  if (stepRole && (step.unit === null || actor.manages.some((managed) => unitCovers(managed, step.unit!)))) return stepRole;
  return policy.overrideRoles.find((role) => actor.roles.includes(role));
}

export interface DecisionCommand {
  /** The step the decider means to decide, so that a decision never lands on the next one. */
  step: number;
  decision: Decision;
  comment: string;
}

export interface Transition {
  status: ApprovalStatus;
  currentStep: number;
  /** The role the actor decided in. */
  role: string;
}

/** Checks a decision against the request and says where it leads; throws when it may not be taken. */
export function decide(request: ApprovalRequest<unknown>, actor: Actor, command: DecisionCommand, policy: DecisionPolicy): Transition {
  if (command.decision === 'reject' && !command.comment) {
    throw AppError.invalid('a rejection needs a comment', [{ field: 'comment', message: 'say why the request is rejected' }]);
  }
  requirePending(request);
  if (command.step !== request.currentStep) {
    throw new AppError(
      'failed_precondition',
      `step ${command.step} is not the step awaiting a decision (step ${request.currentStep})`,
      [],
      'step_already_decided',
    );
  }
  const role = deciderRoleOf(request.steps[request.currentStep - 1], actor, policy);
  if (!role) throw new AppError('permission_denied', 'you are not a decider of this step', [], 'not_a_decider');
  if (actor.userId === request.requesterId)
    throw new AppError('permission_denied', 'a request cannot be decided by its requester', [], 'own_request');
  if (request.steps.some((step) => step.decidedBy === actor.userId)) {
    throw new AppError('permission_denied', 'you already decided an earlier step of this request', [], 'already_decided_by_you');
  }
  return { ...nextState(request, command.decision), role };
}

function nextState(request: ApprovalRequest<unknown>, decision: Decision): Pick<Transition, 'status' | 'currentStep'> {
  if (decision === 'reject') return { status: 'rejected', currentStep: request.currentStep };
  const isLast = request.currentStep === request.steps.length;
  return isLast ? { status: 'approved', currentStep: request.currentStep } : { status: 'pending', currentStep: request.currentStep + 1 };
}

/** Only the requester withdraws, and only while nothing is final. */
export function checkWithdraw(request: ApprovalRequest<unknown>, actor: Actor): void {
  if (actor.userId !== request.requesterId)
    throw new AppError('permission_denied', 'only the requester may withdraw a request', [], 'not_requester');
  requirePending(request);
}

function requirePending(request: ApprovalRequest<unknown>): void {
  if (request.status !== 'pending')
    throw new AppError('failed_precondition', `the request is already ${request.status}`, [], 'not_pending');
}
