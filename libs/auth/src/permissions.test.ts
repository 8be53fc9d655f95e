import {
  actions,
  AuthError,
  can,
  modules,
  require as authRequire,
  requirePermission,
  rolePermissions,
  type Action,
  type Module,
} from './index';

const as = (...roles: string[]) => ({ roles });

describe('can', () => {
  it('grants the admin every action on every module', () => {
    for (const module of modules) for (const action of actions) expect(can(as('admin'), module, action)).toBe(true);
  });

  it('lets the director read everything and approve, but not write', () => {
    for (const module of modules) expect(can(as('director'), module, 'read')).toBe(true);
    expect(can(as('director'), 'approval', 'approve')).toBe(true);
    expect(can(as('director'), 'customer', 'update')).toBe(false);
    expect(can(as('director'), 'customer', 'delete')).toBe(false);
  });

  it('lets a sales rep work its customers but not delete, assign, transfer or export them', () => {
    const rep = as('sales-rep');
    for (const module of ['customer', 'contact', 'followup'] as Module[]) {
      for (const action of ['read', 'create', 'update'] as Action[]) expect(can(rep, module, action)).toBe(true);
    }
    for (const action of ['delete', 'assign', 'transfer', 'export', 'import', 'approve'] as Action[]) {
      expect(can(rep, 'customer', action)).toBe(false);
    }
    expect(can(rep, 'pool', 'assign')).toBe(false);
    expect(can(rep, 'export', 'create')).toBe(false);
    expect(can(rep, 'admin', 'read')).toBe(false);
  });

  it('gives a sales manager full customer management', () => {
    for (const action of actions) expect(can(as('sales-manager'), 'customer', action)).toBe(true);
    expect(can(as('sales-manager'), 'pool', 'assign')).toBe(true);
    expect(can(as('sales-manager'), 'approval', 'approve')).toBe(true);
    expect(can(as('sales-manager'), 'admin', 'update')).toBe(false);
  });

  it('keeps the partner read-only on customers while it may open service requests', () => {
    const partner = as('partner');
    expect(can(partner, 'customer', 'read')).toBe(true);
    for (const action of actions.filter((a) => a !== 'read')) expect(can(partner, 'customer', action)).toBe(false);
    expect(can(partner, 'service', 'create')).toBe(true);
    expect(can(partner, 'service', 'update')).toBe(false);
  });

  it('lets the analyst read and export analytics but write nothing', () => {
    const analyst = as('analyst');
    expect(can(analyst, 'analytics', 'export')).toBe(true);
    expect(can(analyst, 'customer', 'read')).toBe(true);
    for (const module of modules) {
      for (const action of ['create', 'update', 'delete', 'assign', 'transfer', 'approve'] as Action[]) {
        expect(can(analyst, module, action)).toBe(false);
      }
    }
    expect(can(analyst, 'customer', 'export')).toBe(false);
  });

  it('separates the service agent from the service manager by approval', () => {
    expect(can(as('service-agent'), 'service', 'update')).toBe(true);
    expect(can(as('service-agent'), 'service', 'approve')).toBe(false);
    expect(can(as('service-manager'), 'service', 'approve')).toBe(true);
    expect(can(as('service-agent'), 'customer', 'update')).toBe(false);
  });

  it('limits the integration clients to their purpose', () => {
    expect(can(as('erp-integration'), 'sales', 'create')).toBe(true);
    expect(can(as('erp-integration'), 'customer', 'update')).toBe(false);
    expect(can(as('internal-service'), 'customer', 'update')).toBe(true);
    expect(can(as('internal-service'), 'customer', 'delete')).toBe(false);
  });

  it('unions the grants of several roles', () => {
    expect(can(as('analyst', 'sales-rep'), 'customer', 'update')).toBe(true);
    expect(can(as('analyst', 'sales-rep'), 'analytics', 'export')).toBe(true);
  });

  it('grants nothing to unknown roles, including Object.prototype names', () => {
    for (const role of ['default-roles-liaison', 'offline_access', 'constructor', '__proto__', 'toString']) {
      expect(can(as(role), 'customer', 'read')).toBe(false);
    }
    expect(can(as(), 'customer', 'read')).toBe(false);
  });

  it('only uses known modules and actions in the table', () => {
    const known = (part: string, names: readonly string[]) => part === '*' || names.includes(part);
    for (const grant of Object.values(rolePermissions).flat()) {
      const [module, action] = grant.split(':');
      expect([grant, known(module, modules) && known(action, actions)]).toEqual([grant, true]);
    }
  });
});

describe('requirePermission', () => {
  it('throws forbidden when the permission is missing and passes otherwise', () => {
    expect(() => requirePermission(as('sales-rep'), 'customer', 'delete')).toThrow(AuthError);
    expect(() => authRequire(as('sales-rep'), 'customer', 'export')).toThrow(expect.objectContaining({ code: 'forbidden', status: 403 }));
    expect(() => requirePermission(as('sales-manager'), 'customer', 'delete')).not.toThrow();
  });
});
