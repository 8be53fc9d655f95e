import { unitCovers } from '@liaison/auth';
import type { Actor } from './model';

// Who sees and who decides which requests, as SQL conditions on approval_requests (alias r), so
// that lists and single reads filter in the database. The same rules as deciderRoleOf, for sets.

export interface ViewerPolicy {
  /** Roles that read every request (e.g. admin, director). */
  readAllRoles: readonly string[];
  /** Roles that decide any step; they read every request too. */
  overrideRoles: readonly string[];
}

/** Appends a value to the query's parameters and returns its placeholder. */
export type AddParam = (value: unknown) => string;

// unitCovers of a unit with itself is false for malformed paths, which must cover nothing.
function managedUnits(actor: Actor): string[] {
  return actor.manages.filter((unit) => unitCovers(unit, unit));
}

function likeBelow(unit: string): string {
  return `${unit.replace(/[\\%_]/g, (ch) => `\\${ch}`)}/%`;
}

/** The column's unit is one the actor manages, or lies below one. */
function coveredByManaged(column: string, actor: Actor, add: AddParam): string {
  const units = managedUnits(actor);
  if (units.length === 0) return 'FALSE';
  return `(${column} = ANY(${add(units)}::text[]) OR ${column} LIKE ANY(${add(units.map(likeBelow))}::text[]))`;
}

/** The step (alias s) names one of the actor's roles, and a unit the actor manages if it names one. */
function namesActor(actor: Actor, add: AddParam): string {
  return `(s.roles && ${add(actor.roles)}::text[] AND (s.unit IS NULL OR ${coveredByManaged('s.unit', actor, add)}))`;
}

function readsAll(actor: Actor, policy: ViewerPolicy): boolean {
  return actor.roles.some((role) => policy.readAllRoles.includes(role) || policy.overrideRoles.includes(role));
}

/**
 * Each level reads: the requester, whoever acted on it, the deciders of any of its steps,
 * managers of the units it concerns or the requester's unit (and above), and read-all roles.
 */
export function readableBy(actor: Actor, policy: ViewerPolicy, add: AddParam): string {
  if (readsAll(actor, policy)) return 'TRUE';
  const me = add(actor.userId);
  return `(r.requester_id = ${me}
    OR ${coveredByManaged('r.unit', actor, add)}
    OR ${coveredByManaged('r.requester_unit', actor, add)}
    OR EXISTS (SELECT 1 FROM approval_log l WHERE l.request_id = r.id AND l.actor_id = ${me})
    OR EXISTS (SELECT 1 FROM approval_steps s WHERE s.request_id = r.id AND ${namesActor(actor, add)}))`;
}

/**
 * The actor's inbox: pending requests whose current step names them, not their own and none of
 * whose steps they decided already. Override roles can decide anything but have no inbox.
 */
export function awaitingDecisionBy(actor: Actor, add: AddParam): string {
  const me = add(actor.userId);
  return `(r.status = 'pending' AND r.requester_id <> ${me}
    AND NOT EXISTS (SELECT 1 FROM approval_steps d WHERE d.request_id = r.id AND d.decided_by = ${me})
    AND EXISTS (SELECT 1 FROM approval_steps s WHERE s.request_id = r.id AND s.position = r.current_step AND ${namesActor(actor, add)}))`;
}
