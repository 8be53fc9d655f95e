import { AppError, type FieldViolation } from '@liaison/runtime';
import { checkRecipient, cleanReason, customerIdViolations, type Recipient } from './assignment';

// CUS-15 员工异动交接: the rules of a handover free of SQL: checking the command, and which
// successor takes which customer.

export type HandoverDistribution = 'even' | 'mapping';

export interface HandoverCommand {
  requestId: string;
  fromUserId: string;
  successors: { userId: string; unit: string }[];
  /** Empty: every customer of the employee in the caller's write scope. */
  customerIds: string[];
  distribution: HandoverDistribution;
  /** For mapping: customer id → successor user id. */
  assignments: { customerId: string; successorId: string }[];
  rewriteCreator: boolean;
  reason: string;
}

export interface CheckedHandover {
  requestId: string | null;
  fromUserId: string;
  successors: Recipient[];
  customerIds: string[];
  distribution: HandoverDistribution;
  mapping: Map<string, number>;
  rewriteCreator: boolean;
  reason: string;
}

/** A customer of the leaving employee, as locked for the handover. */
export interface HandoverCandidate {
  id: string;
  /** Creation order: the stable order of the round-robin. */
  seq: bigint;
  /** Owned by the leaving employee; otherwise only followed by them. */
  owned: boolean;
}

export interface HandoverMove {
  customerId: string;
  owned: boolean;
  /** Index into the successors. */
  successor: number;
}

export interface HandoverSuccessorResult extends Recipient {
  customerCount: number;
  followedCount: number;
}

export interface Handover {
  id: string;
  fromUserId: string;
  successors: HandoverSuccessorResult[];
  allCustomers: boolean;
  distribution: HandoverDistribution;
  rewriteCreator: boolean;
  reason: string;
  customerCount: number;
  followedCount: number;
  creatorRewrittenCount: number;
  actorId: string;
  actorName: string;
  createdAt: Date;
  fromUnits: string[];
}

export const MAX_SUCCESSORS = 50;
export const MAX_SELECTED = 5000;
const MAX_REQUEST_ID = 100;

export function checkHandover(command: HandoverCommand): CheckedHandover {
  const violations: FieldViolation[] = [];
  const from = command.fromUserId.trim();
  const successors = checkSuccessors(command.successors, from, violations);
  const customerIds = checkSelection(command.customerIds, violations);
  if (command.distribution === 'mapping' && customerIds.length === 0)
    violations.push({ field: 'distribution', message: 'mapping needs customer_ids and assignments' });
  const mapping =
    command.distribution === 'mapping' ? checkMapping(command.assignments, customerIds, successors, violations) : new Map<string, number>();
  if (command.distribution === 'even' && command.assignments.length > 0)
    violations.push({ field: 'assignments', message: 'only with distribution mapping' });
  if (command.requestId.length > MAX_REQUEST_ID)
    violations.push({ field: 'request_id', message: `must be at most ${MAX_REQUEST_ID} characters` });
  const fromUserId = checkUserId(from, 'from_user_id', violations);
  const reason = reasonOf(command.reason, violations);
  if (violations.length > 0) throw AppError.invalid('the handover is invalid', violations);
  return {
    requestId: command.requestId || null,
    fromUserId,
    successors,
    customerIds,
    distribution: command.distribution,
    mapping,
    rewriteCreator: command.rewriteCreator,
    reason,
  };
}

function checkUserId(id: string, field: string, violations: FieldViolation[]): string {
  if (!id || id.length > 100 || /[\u0000-\u001f\u007f]/.test(id))
    violations.push({ field, message: 'must be a user id of 1 to 100 characters' });
  return id;
}

function reasonOf(raw: string, violations: FieldViolation[]): string {
  try {
    return cleanReason(raw, true) ?? '';
  } catch (error) {
    if (error instanceof AppError) violations.push(...error.violations);
    return '';
  }
}

function checkSuccessors(given: HandoverCommand['successors'], from: string, violations: FieldViolation[]): Recipient[] {
  if (given.length === 0 || given.length > MAX_SUCCESSORS) {
    violations.push({ field: 'successors', message: `name 1 to ${MAX_SUCCESSORS} successors with their unit` });
    return [];
  }
  const seen = new Set<string>();
  const successors: Recipient[] = [];
  given.forEach((successor, index) => {
    try {
      const recipient = checkRecipient(successor.userId, successor.unit, {
        user: `successors[${index}].user_id`,
        unit: `successors[${index}].unit`,
      });
      if (recipient.userId === from) violations.push({ field: `successors[${index}].user_id`, message: 'is the leaving employee' });
      else if (seen.has(recipient.userId)) violations.push({ field: `successors[${index}].user_id`, message: 'is repeated' });
      seen.add(recipient.userId);
      successors.push(recipient);
    } catch (error) {
      if (error instanceof AppError) violations.push(...error.violations);
    }
  });
  return successors;
}

function checkSelection(ids: string[], violations: FieldViolation[]): string[] {
  if (ids.length > MAX_SELECTED) {
    violations.push({ field: 'customer_ids', message: `select at most ${MAX_SELECTED} customers, or none for all` });
    return [];
  }
  violations.push(...customerIdViolations(ids));
  return ids.map((id) => id.toLowerCase());
}

function checkMapping(
  assignments: HandoverCommand['assignments'],
  customerIds: string[],
  successors: Recipient[],
  violations: FieldViolation[],
): Map<string, number> {
  const mapping = new Map<string, number>();
  const selected = new Set(customerIds);
  assignments.forEach((assignment, index) => {
    const customerId = assignment.customerId.toLowerCase();
    const successor = successors.findIndex((candidate) => candidate.userId === assignment.successorId.trim());
    if (!selected.has(customerId)) violations.push({ field: `assignments[${index}].customer_id`, message: 'is not one of customer_ids' });
    else if (mapping.has(customerId)) violations.push({ field: `assignments[${index}].customer_id`, message: 'is repeated' });
    if (successor < 0) violations.push({ field: `assignments[${index}].successor_id`, message: 'is not one of the successors' });
    mapping.set(customerId, successor);
  });
  customerIds.forEach((id, index) => {
    if (!mapping.has(id)) violations.push({ field: `customer_ids[${index}]`, message: 'has no assignment' });
  });
  return mapping;
}

/**
 * Who takes which customer. Even: round-robin over the successors in the order given, the
 * customers in creation order, owned and followed ones counted separately so that each
 * successor gets an even share of both. Mapping: as the caller said.
 */
export function distribute(
  candidates: readonly HandoverCandidate[],
  successorCount: number,
  mapping?: ReadonlyMap<string, number>,
): HandoverMove[] {
  if (mapping && mapping.size > 0) {
    return candidates.map((candidate) => ({ customerId: candidate.id, owned: candidate.owned, successor: mapping.get(candidate.id)! }));
  }
  const ordered = [...candidates].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  const next = { owned: 0, followed: 0 };
  return ordered.map((candidate) => {
    const key = candidate.owned ? 'owned' : 'followed';
    const successor = next[key] % successorCount;
    next[key] += 1;
    return { customerId: candidate.id, owned: candidate.owned, successor };
  });
}

/** Each successor with the number of customers it takes and follows. */
export function successorResults(successors: readonly Recipient[], moves: readonly HandoverMove[]): HandoverSuccessorResult[] {
  const results = successors.map((successor) => ({ ...successor, customerCount: 0, followedCount: 0 }));
  for (const move of moves) {
    if (move.owned) results[move.successor].customerCount += 1;
    else results[move.successor].followedCount += 1;
  }
  return results;
}
