import type { Principal } from '@liaison/auth';

// The approval request (审批) as every kind shares it: what is asked, by whom, the ordered steps
// that decide it, and the operation log of everything that happened to it.

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export type Decision = 'approve' | 'reject';

export type LogAction = 'submit' | Decision | 'withdraw';

/** Who acts on approvals: the verified caller, passed on to the kind's callbacks as is. */
export type Actor = Principal;

/**
 * Who decides one step of a kind's plan. Any holder of one of `roles` decides, unless
 * `managerOfUnit` is set: then only those whose `manages` covers the request's unit, raised
 * `levelsUp` levels (0 = the unit itself, 1 = its parent department, ...).
 */
export interface StepRule {
  /** Shown in the steps and the log, e.g. "部门经理审批". */
  name: string;
  roles: readonly string[];
  managerOfUnit?: { levelsUp: number };
}

/** A step of one request, its deciders resolved when the request was submitted. */
export interface ApprovalStep {
  /** 1-based. */
  position: number;
  name: string;
  roles: string[];
  /** Deciders must manage this unit (or one above it); null = any holder of the roles. */
  unit: string | null;
  decision: Decision | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  comment: string | null;
}

export interface ApprovalSubject {
  /** e.g. "customer", "quote". */
  type: string;
  id: string;
  /** A display name at request time, e.g. the customer's name. */
  title: string;
}

export interface LogEntry {
  step: number;
  action: LogAction;
  actorId: string;
  actorName: string;
  /** The role the actor acted in: the step's role they hold, an override role, or "requester". */
  actorRole: string;
  comment: string;
  at: Date;
}

export interface ApprovalRequest<P = Record<string, unknown>> {
  id: string;
  kind: string;
  subject: ApprovalSubject;
  requesterId: string;
  requesterName: string;
  requesterUnit: string | null;
  /** The org unit the request concerns; its managers decide and supervise. */
  unit: string | null;
  reason: string;
  payload: P;
  status: ApprovalStatus;
  /** The step awaiting a decision while pending; the last step reached afterwards. */
  currentStep: number;
  steps: ApprovalStep[];
  /** Filled on single reads and after actions; empty in lists. */
  log: LogEntry[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export const REQUESTER_ROLE = 'requester';
