import { customerScopeOf, customerWriteScopeOf, type Principal } from '@liaison/auth';
import { AppError, type Pool, type PoolClient } from '@liaison/runtime';
import { customerShared, customerUnshared } from '../events/customer-maintenance-events';
import { CustomerMaintenanceRepository, type Share } from '../persistence/customer-maintenance-repository';
import { checkId } from './bulk-input';
import { changeableOf } from './merge';

// Read-only sharing of a customer with a partner organisation (a Keycloak group below
// /Partners). Members of that organisation then read the customer through every existing read,
// because the partner data scope (persistence/scope-sql.ts) includes customers shared with it;
// they can never change it (customerWriteScopeOf gives partners no write scope).

const PARTNER_ROOT = '/Partners';
const MAX_UNIT_LENGTH = 200;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A group path strictly below /Partners, e.g. /Partners/Acme; NFC, no empty segments. */
export function checkPartnerUnit(unit: string): string {
  const path = unit.normalize('NFC').trim();
  const segments = path.split('/');
  const valid =
    path.startsWith(`${PARTNER_ROOT}/`) &&
    segments.length >= 3 &&
    segments.slice(1).every((segment) => segment.trim() === segment && segment !== '') &&
    [...path].length <= MAX_UNIT_LENGTH &&
    !CONTROL_CHARS.test(path);
  if (!valid)
    throw AppError.invalid('unit must be a partner organisation', [
      { field: 'unit', message: `must be a group path below ${PARTNER_ROOT}, e.g. ${PARTNER_ROOT}/Acme` },
    ]);
  return path;
}

export class SharingService {
  private readonly repository = new CustomerMaintenanceRepository();

  constructor(private readonly pool: Pool) {}

  async share(tx: PoolClient, principal: Principal, customerIdText: string, unitText: string): Promise<{ share: Share; created: boolean }> {
    const customerId = checkId(customerIdText, 'customer_id');
    const unit = checkPartnerUnit(unitText);
    changeableOf(
      await this.repository.lockVisible(tx, [customerId], customerScopeOf(principal), customerWriteScopeOf(principal)),
      customerId,
    );
    const result = await this.repository.addShare(tx, customerId, unit, principal.userId);
    if (result.created) await customerShared(tx, customerId, unit, principal.userId);
    return result;
  }

  async unshare(tx: PoolClient, principal: Principal, customerIdText: string, unitText: string): Promise<void> {
    const customerId = checkId(customerIdText, 'customer_id');
    const unit = checkPartnerUnit(unitText);
    changeableOf(
      await this.repository.lockVisible(tx, [customerId], customerScopeOf(principal), customerWriteScopeOf(principal)),
      customerId,
    );
    if (!(await this.repository.removeShare(tx, customerId, unit))) throw AppError.notFound('share');
    await customerUnshared(tx, customerId, unit, principal.userId);
  }

  /** A partner sees only its own organisation's share, never which other partners have one. */
  async list(principal: Principal, customerIdText: string): Promise<Share[]> {
    const customerId = checkId(customerIdText, 'customer_id');
    const scope = customerScopeOf(principal);
    const visible = await this.repository.visibleIds(this.pool, [customerId], scope);
    if (!visible.has(customerId)) throw AppError.notFound('customer');
    return this.repository.listShares(this.pool, customerId, scope.kind === 'partner' ? scope.partnerUnits : undefined);
  }
}
