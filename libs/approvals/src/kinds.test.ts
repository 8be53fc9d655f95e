import { cleanApprovalText } from './approvals';
import { ApprovalKinds } from './kinds';

const plan = [{ name: '部门经理审批', roles: ['sales-manager'] }];

describe('the registry of approval kinds', () => {
  it('finds registered kinds by name and lists them', () => {
    const kinds = new ApprovalKinds().register({ name: 'customer.invalid', subjectType: 'customer', steps: plan });
    expect(kinds.find('customer.invalid')?.subjectType).toBe('customer');
    expect(kinds.find('quote.discount')).toBeUndefined();
    expect(kinds.names()).toEqual(['customer.invalid']);
  });

  it('refuses duplicate names, malformed names and kinds without steps', () => {
    const kinds = new ApprovalKinds().register({ name: 'customer.invalid', subjectType: 'customer', steps: plan });
    expect(() => kinds.register({ name: 'customer.invalid', subjectType: 'customer', steps: plan })).toThrow(/twice/);
    expect(() => kinds.register({ name: 'Invalid', subjectType: 'customer', steps: plan })).toThrow(/must look like/);
    expect(() => kinds.register({ name: 'quote.discount', subjectType: 'quote', steps: [] })).toThrow(/no steps/);
  });
});

describe('reasons and comments', () => {
  it('keeps Chinese text and line breaks, normalised and trimmed', () => {
    expect(cleanApprovalText('  客户电话是空号，\n多次联系不上  ', 'reason')).toBe('客户电话是空号，\n多次联系不上');
    expect(cleanApprovalText('Cafe\u0301', 'comment')).toBe('Café');
  });

  it('refuses control characters and overlong text, counting characters not bytes', () => {
    expect(() => cleanApprovalText('bad\u0007bell', 'comment')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(cleanApprovalText('无'.repeat(1000), 'comment')).toHaveLength(1000);
    expect(() => cleanApprovalText('无'.repeat(1001), 'comment')).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'comment' })] }),
    );
  });
});
