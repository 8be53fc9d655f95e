import type { Actor, ApprovalRequest, StepRule } from './model';
import { checkWithdraw, decide, deciderRoleOf, resolveSteps, unitAbove, type DecisionPolicy } from './state-machine';

const policy: DecisionPolicy = { overrideRoles: ['admin'] };

const actor = (userId: string, roles: string[], manages: string[] = [], units: string[] = []): Actor => ({
  userId,
  username: userId,
  roles,
  manages,
  units,
  clientId: 'liaison-web',
  kind: 'user',
  token: '',
});
const rep = actor('rep-1', ['sales-rep'], [], ['/Sales/East']);
const eastManager = actor('mgr-east', ['sales-manager'], ['/Sales/East']);
const westManager = actor('mgr-west', ['sales-manager'], ['/Sales/West']);
const salesHead = actor('mgr-sales', ['sales-manager'], ['/Sales']);
const director = actor('director', ['director']);
const admin = actor('admin', ['admin']);

const ONE_LEVEL: StepRule[] = [{ name: '部门经理审批', roles: ['sales-manager'], managerOfUnit: { levelsUp: 0 } }];
const TWO_LEVELS: StepRule[] = [...ONE_LEVEL, { name: '上级经理审批', roles: ['sales-manager'], managerOfUnit: { levelsUp: 1 } }];

function pendingRequest(plan: StepRule[], unit = '/Sales/East'): ApprovalRequest {
  const now = new Date();
  return {
    id: 'a1',
    kind: 'customer.invalid',
    subject: { type: 'customer', id: 'c1', title: '杭州某公司' },
    requesterId: rep.userId,
    requesterName: 'rep.east.1',
    requesterUnit: unit,
    unit,
    reason: '空号',
    payload: {},
    status: 'pending',
    currentStep: 1,
    steps: resolveSteps(plan, unit),
    log: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

function afterDecision(request: ApprovalRequest, decider: Actor): ApprovalRequest {
  const transition = decide(request, decider, { step: request.currentStep, decision: 'approve', comment: '' }, policy);
  const steps = request.steps.map((step) =>
    step.position === request.currentStep ? { ...step, decision: 'approve' as const, decidedBy: decider.userId } : step,
  );
  return { ...request, status: transition.status, currentStep: transition.currentStep, steps };
}

describe('resolving a plan', () => {
  it('names the unit whose managers decide each step, raised per level', () => {
    expect(resolveSteps(TWO_LEVELS, '/Sales/East/Hangzhou').map((step) => [step.position, step.unit])).toEqual([
      [1, '/Sales/East/Hangzhou'],
      [2, '/Sales/East'],
    ]);
    expect(unitAbove('/Sales/East', 1)).toBe('/Sales');
    expect(unitAbove('/Sales', 1)).toBeNull();
  });

  it("appends the steps a request brings after the kind's plan, each with its own unit", () => {
    const steps = resolveSteps(TWO_LEVELS, '/Sales/East/Hangzhou', [
      { name: '接收部门经理审批', roles: ['sales-manager'], unit: '/Sales/West' },
    ]);
    expect(steps.map((step) => [step.position, step.name, step.unit])).toEqual([
      [1, TWO_LEVELS[0].name, '/Sales/East/Hangzhou'],
      [2, TWO_LEVELS[1].name, '/Sales/East'],
      [3, '接收部门经理审批', '/Sales/West'],
    ]);
  });

  it('leaves the unit open for steps any holder of the role decides', () => {
    expect(resolveSteps([{ name: '总监审批', roles: ['director'] }], null)[0]).toMatchObject({
      unit: null,
      roles: ['director'],
      decision: null,
    });
  });

  it('refuses a plan nobody could decide: no unit, or a level above the root', () => {
    expect(() => resolveSteps(ONE_LEVEL, null)).toThrow(expect.objectContaining({ code: 'failed_precondition', reason: 'no_approver' }));
    expect(() => resolveSteps(TWO_LEVELS, '/Sales')).toThrow(expect.objectContaining({ reason: 'no_approver' }));
  });
});

describe('who decides a step', () => {
  const [step] = resolveSteps(ONE_LEVEL, '/Sales/East');

  it('is a holder of the role managing the unit or a unit above it', () => {
    expect(deciderRoleOf(step, eastManager, policy)).toBe('sales-manager');
    expect(deciderRoleOf(step, salesHead, policy)).toBe('sales-manager');
  });

  it('is nobody else: another unit, a look-alike unit, the wrong role, a director', () => {
    expect(deciderRoleOf(step, westManager, policy)).toBeUndefined();
    expect(deciderRoleOf(step, actor('mgr-eastern', ['sales-manager'], ['/Sales/Eastern']), policy)).toBeUndefined();
    expect(deciderRoleOf(step, actor('svc-mgr', ['service-manager'], ['/Sales/East']), policy)).toBeUndefined();
    expect(deciderRoleOf(step, director, policy)).toBeUndefined();
    expect(deciderRoleOf(step, rep, policy)).toBeUndefined();
  });

  it('is also an override role, recorded as that role', () => {
    expect(deciderRoleOf(step, admin, policy)).toBe('admin');
  });
});

describe('deciding', () => {
  it('approves a one-level request with its only decision', () => {
    expect(decide(pendingRequest(ONE_LEVEL), eastManager, { step: 1, decision: 'approve', comment: '同意' }, policy)).toEqual({
      status: 'approved',
      currentStep: 1,
      role: 'sales-manager',
    });
  });

  it('moves a two-level request to its second step, then approves it there', () => {
    const atSecond = afterDecision(pendingRequest(TWO_LEVELS, '/Sales/East'), eastManager);
    expect(atSecond).toMatchObject({ status: 'pending', currentStep: 2 });
    expect(() => decide(atSecond, westManager, { step: 2, decision: 'approve', comment: '' }, policy)).toThrow(
      expect.objectContaining({ reason: 'not_a_decider' }),
    );
    expect(decide(atSecond, salesHead, { step: 2, decision: 'approve', comment: '' }, policy)).toMatchObject({
      status: 'approved',
      currentStep: 2,
    });
  });

  it('rejects at any step, which ends the request there', () => {
    const atSecond = afterDecision(pendingRequest(TWO_LEVELS), eastManager);
    expect(decide(atSecond, salesHead, { step: 2, decision: 'reject', comment: '信息不足' }, policy)).toEqual({
      status: 'rejected',
      currentStep: 2,
      role: 'sales-manager',
    });
  });

  it('needs a comment to reject', () => {
    expect(() => decide(pendingRequest(ONE_LEVEL), eastManager, { step: 1, decision: 'reject', comment: '' }, policy)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', violations: [expect.objectContaining({ field: 'comment' })] }),
    );
  });

  it('refuses a decision on a step that is no longer current, or on a finished request', () => {
    const atSecond = afterDecision(pendingRequest(TWO_LEVELS), eastManager);
    expect(() => decide(atSecond, admin, { step: 1, decision: 'approve', comment: '' }, policy)).toThrow(
      expect.objectContaining({ code: 'failed_precondition', reason: 'step_already_decided' }),
    );
    const approved = afterDecision(pendingRequest(ONE_LEVEL), eastManager);
    expect(() => decide(approved, admin, { step: 1, decision: 'reject', comment: '晚了' }, policy)).toThrow(
      expect.objectContaining({ code: 'failed_precondition', reason: 'not_pending' }),
    );
  });

  it('keeps requesters and earlier deciders from deciding (separation of duties)', () => {
    const ownRequest = { ...pendingRequest(ONE_LEVEL), requesterId: eastManager.userId };
    expect(() => decide(ownRequest, eastManager, { step: 1, decision: 'approve', comment: '' }, policy)).toThrow(
      expect.objectContaining({ code: 'permission_denied', reason: 'own_request' }),
    );
    const atSecond = afterDecision(pendingRequest(TWO_LEVELS), salesHead);
    expect(() => decide(atSecond, salesHead, { step: 2, decision: 'approve', comment: '' }, policy)).toThrow(
      expect.objectContaining({ reason: 'already_decided_by_you' }),
    );
  });
});

describe('withdrawing', () => {
  it('is for the requester while the request is pending', () => {
    expect(() => checkWithdraw(pendingRequest(ONE_LEVEL), rep)).not.toThrow();
    expect(() => checkWithdraw(pendingRequest(ONE_LEVEL), eastManager)).toThrow(
      expect.objectContaining({ code: 'permission_denied', reason: 'not_requester' }),
    );
    expect(() => checkWithdraw(pendingRequest(ONE_LEVEL), admin)).toThrow(expect.objectContaining({ reason: 'not_requester' }));
    expect(() => checkWithdraw(afterDecision(pendingRequest(ONE_LEVEL), eastManager), rep)).toThrow(
      expect.objectContaining({ reason: 'not_pending' }),
    );
  });
});
