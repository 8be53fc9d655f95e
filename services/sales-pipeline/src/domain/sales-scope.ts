import { readScopeOf, writeScopeOf, type DataScope, type Principal, type ScopePolicy } from '@liaison/auth';

// Who sees which sales records: the hierarchy of customers (a rep their own, a manager the
// units they manage, director, admin and analyst all). Roles absent here see none; partners get
// their own rules with quotes and orders.
export const salesScopePolicy: ScopePolicy = {
  'admin': 'all',
  'director': 'all',
  'analyst': 'all',
  'internal-service': 'all',
  'erp-integration': 'all',
  'sales-manager': 'managed',
  'sales-rep': 'own',
};

export const salesReadScopeOf = (principal: Principal): DataScope => readScopeOf(principal, salesScopePolicy);

/** Only roles that may update sales records widen it: a read-wide analyst never changes a rep's lead. */
export const salesWriteScopeOf = (principal: Principal): DataScope => writeScopeOf(principal, salesScopePolicy, 'sales');
