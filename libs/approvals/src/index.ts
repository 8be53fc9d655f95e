// Reusable multi-step approvals (审批): kinds registered in code with their step plan and
// callbacks, requests decided step by step with comments, an operation log every level can read,
// and the tables as migrations for the owning service's database.
export * from './model';
export * from './kinds';
export * from './approvals';
export * from './migrations';
export { deciderRoleOf, resolveSteps, unitAbove, type DecisionPolicy } from './state-machine';
export type { ListCursor, ListFilter } from './repository';
export * from './approval-mapper';
export * from './approval-handlers';
export * from './approval-events';
