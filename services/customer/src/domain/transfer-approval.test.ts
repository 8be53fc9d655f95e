import type { Principal } from '@liaison/auth';
import type { ApprovalRequest } from '@liaison/approvals';
import { commonUnit, planTransferApproval, withApprovedUnits } from './transfer-approval';

const principal = (roles: string[], manages: string[]): Principal =>
  ({ userId: 'u', username: 'u', roles, units: [], manages }) as unknown as Principal;

describe('the transfer approval plan', () => {
  it("is one step when the receiving unit lies inside the owners' unit", () => {
    expect(planTransferApproval(['/Sales/East'], '/Sales/East')).toEqual({ unit: '/Sales/East', receivingUnit: null });
    expect(planTransferApproval(['/Sales/East'], '/Sales/East/Team1')).toEqual({ unit: '/Sales/East', receivingUnit: null });
  });

  it("adds the receiving unit's manager when the customers leave the unit", () => {
    expect(planTransferApproval(['/Sales/East'], '/Sales/West')).toEqual({ unit: '/Sales/East', receivingUnit: '/Sales/West' });
  });

  it('takes the nearest unit covering several owners, and refuses unrelated or missing units', () => {
    expect(planTransferApproval(['/Sales/East/A', '/Sales/East/B', '/Sales/East'], '/Sales/East/A')).toEqual({
      unit: '/Sales/East',
      receivingUnit: null,
    });
    expect(() => planTransferApproval(['/Sales/East', '/Service'], '/Sales/East')).toThrow(
      expect.objectContaining({ reason: 'mixed_owner_units' }),
    );
    expect(() => planTransferApproval([null], '/Sales/East')).toThrow(expect.objectContaining({ reason: 'no_approver' }));
  });

  it('computes the common unit segment by segment, not by string prefix', () => {
    expect(commonUnit(['/Sales/East', '/Sales/Eastern'])).toBe('/Sales');
    expect(commonUnit(['/Sales/East'])).toBe('/Sales/East');
    expect(commonUnit([])).toBeNull();
  });
});

describe('the authority of an approved transfer', () => {
  const request = { steps: [{ unit: '/Sales/East' }, { unit: '/Sales/West' }] } as unknown as ApprovalRequest<unknown>;

  it('lets the last decider act in every unit the steps named', () => {
    expect(withApprovedUnits(principal(['sales-manager'], ['/Sales/West']), request).manages).toEqual(['/Sales/West', '/Sales/East']);
  });

  it('leaves an admin as is', () => {
    const admin = principal(['admin'], []);
    expect(withApprovedUnits(admin, request)).toBe(admin);
  });
});
