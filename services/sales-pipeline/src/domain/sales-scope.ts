import { readScopeOf, salesScopePolicy, writeScopeOf, type DataScope, type Principal } from '@liaison/auth';
import { assignableUnits } from './lead-assignment';

// Who sees which sales records (salesScopePolicy of libs/auth: a rep their own, a manager the
// units they manage, director, admin and analyst all).

export const salesReadScopeOf = (principal: Principal): DataScope => readScopeOf(principal, salesScopePolicy);

/** Only roles that may update sales records widen it: a read-wide analyst never changes a rep's lead. */
export const salesWriteScopeOf = (principal: Principal): DataScope => writeScopeOf(principal, salesScopePolicy, 'sales');

/** The units whose leads, rules and forms the caller may hand out: every unit, or those managed. */
export const assignableUnitsOf = (principal: Principal): 'all' | string[] => assignableUnits(salesWriteScopeOf(principal));
