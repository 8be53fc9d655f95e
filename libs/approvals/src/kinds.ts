import type { PoolClient } from '@liaison/runtime';
import type { Actor, ApprovalRequest, StepRule } from './model';

// Kinds of approval are registered in code by the service that owns their subject: the plan of
// steps, and what happens to the subject when a request ends. The callbacks run in the same
// transaction as the final decision, so the subject changes if and only if the decision commits.

export type ApprovalCallback<P> = (tx: PoolClient, request: ApprovalRequest<P>, actor: Actor) => Promise<void>;

export interface ApprovalKind<P = Record<string, unknown>> {
  /** Stable name, e.g. "customer.invalid", "customer.transfer", "quote.discount". */
  name: string;
  /** The type of subject its requests concern, e.g. "customer". */
  subjectType: string;
  /** The steps in order; another level of approval is one more rule. */
  steps: readonly StepRule[];
  /** The last step approved: apply the request to the subject. Throwing undoes the decision. */
  onApproved?: ApprovalCallback<P>;
  /** A step rejected the request. */
  onRejected?: ApprovalCallback<P>;
  /** The requester withdrew it. */
  onWithdrawn?: ApprovalCallback<P>;
}

const KIND_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

export class ApprovalKinds {
  private readonly kinds = new Map<string, ApprovalKind<never>>();

  register<P>(kind: ApprovalKind<P>): this {
    if (!KIND_NAME.test(kind.name)) throw new Error(`approval kind "${kind.name}" must look like "customer.invalid"`);
    if (this.kinds.has(kind.name)) throw new Error(`approval kind "${kind.name}" is registered twice`);
    if (kind.steps.length === 0) throw new Error(`approval kind "${kind.name}" has no steps`);
    this.kinds.set(kind.name, kind as unknown as ApprovalKind<never>);
    return this;
  }

  /** The registered kind; undefined for names this service does not know. */
  find(name: string): ApprovalKind<Record<string, unknown>> | undefined {
    return this.kinds.get(name) as ApprovalKind<Record<string, unknown>> | undefined;
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}
