// Role-based permissions by module and action. The table is the policy: read it as a matrix,
// one row per realm role, each cell a `module:action` grant where `*` stands for any module or
// any action. A principal holds the union of its roles' grants; roles not listed grant nothing.
//
// Module `pool` is the public customer pool: `update` claims a pool customer for oneself or
// releases one's own back, `assign` hands a pool customer to someone else. Modules `import` and
// `export` are the bulk job centres; the `export` action on a data module (e.g.
// `customer:export`) is what allows that module's data to leave in a job.
import { AuthError } from './errors';
import type { Principal } from './principal';

// prettier-ignore
export const modules = [
  'customer', 'contact', 'followup', 'pool', 'import', 'export', 'approval',
  'sales', 'service', 'messaging', 'telephony', 'analytics', 'admin',
] as const;

export const actions = ['read', 'create', 'update', 'delete', 'assign', 'transfer', 'export', 'import', 'approve'] as const;

export type Module = (typeof modules)[number];
export type Action = (typeof actions)[number];
export type Grant = `${Module | '*'}:${Action | '*'}`;

const crud: Action[] = ['read', 'create', 'update'];
const grants = (module: Module, moduleActions: Action[]): Grant[] => moduleActions.map((action): Grant => `${module}:${action}`);

// prettier-ignore
export const rolePermissions: Readonly<Record<string, readonly Grant[]>> = {
  'admin':            ['*:*'],
  'director':         ['*:read', '*:approve', 'analytics:export'],
  'sales-manager':    ['customer:*', 'contact:*', 'followup:*', 'pool:*', 'sales:*', 'approval:*',
                       'import:*', 'export:*', 'messaging:*', 'telephony:*', 'analytics:read'],
  'sales-rep':        [...grants('customer', crud), ...grants('contact', crud), ...grants('followup', crud),
                       'pool:read', 'pool:update', ...grants('sales', crud), 'approval:read', 'approval:create',
                       'messaging:read', 'messaging:create', 'telephony:read', 'telephony:create'],
  'service-agent':    ['customer:read', 'contact:read', 'followup:read',
                       ...grants('service', [...crud, 'delete', 'assign', 'transfer']),
                       'approval:read', 'approval:create', 'messaging:read', 'messaging:create',
                       'telephony:read', 'telephony:create'],
  'service-manager':  ['customer:read', 'contact:read', 'followup:read', 'service:*', 'approval:*',
                       'messaging:*', 'telephony:*', 'analytics:read'],
  'analyst':          ['customer:read', 'contact:read', 'sales:read', 'analytics:read', 'analytics:export'],
  'partner':          ['customer:read', 'contact:read', 'service:read', 'service:create'],
  'erp-integration':  ['customer:read', 'contact:read', ...grants('sales', crud)],
  'internal-service': ['customer:read', 'customer:update', 'contact:read', 'sales:create'],
};

export function can(principal: Pick<Principal, 'roles'>, module: Module, action: Action): boolean {
  return principal.roles.some((role) => grantsOf(role).some((grant) => grantAllows(grant, module, action)));
}

/** Throws `AuthError('forbidden')` unless the principal may perform the action. */
export function requirePermission(principal: Pick<Principal, 'roles'>, module: Module, action: Action): void {
  if (!can(principal, module, action)) throw new AuthError('forbidden');
}

// Own properties only: a role named like an Object.prototype member must grant nothing.
function grantsOf(role: string): readonly Grant[] {
  return Object.hasOwn(rolePermissions, role) ? rolePermissions[role] : [];
}

function grantAllows(grant: Grant, module: Module, action: Action): boolean {
  const [grantedModule, grantedAction] = grant.split(':');
  return (grantedModule === '*' || grantedModule === module) && (grantedAction === '*' || grantedAction === action);
}
