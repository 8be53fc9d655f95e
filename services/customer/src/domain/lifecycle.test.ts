import { AppError } from '@liaison/runtime';
import { CATEGORIES, allowedMoves, checkMove, dealDateOf, needsSupervisor, todayInChina } from './lifecycle';

function reasonOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as AppError).reason ?? (error as AppError).code;
  }
  return undefined;
}

describe('customer lifecycle', () => {
  it('lets potential customers convert to deals and refuses moves out of a deal', () => {
    expect(reasonOf(() => checkMove('potential', 'deal'))).toBeUndefined();
    for (const to of CATEGORIES.filter((c) => c !== 'deal')) expect(reasonOf(() => checkMove('deal', to))).toBe('illegal_category_move');
  });

  it('refuses a move to the same category and moves the table does not have', () => {
    expect(reasonOf(() => checkMove('key', 'key'))).toBe('category_unchanged');
    expect(reasonOf(() => checkMove('invalid', 'deal'))).toBe('illegal_category_move');
    expect(reasonOf(() => checkMove('key', 'potential'))).toBe('illegal_category_move');
  });

  it('has every category reachable from potential except through supervised moves', () => {
    const reached = new Set(['potential']);
    const queue = ['potential'];
    while (queue.length) {
      for (const next of allowedMoves(queue.shift() as never)) {
        if (reached.has(next)) continue;
        reached.add(next);
        queue.push(next);
      }
    }
    expect([...reached].sort()).toEqual([...CATEGORIES].sort());
  });

  it('reserves invalid (in and out) for supervisors', () => {
    expect(needsSupervisor('key', 'invalid')).toBe(true);
    expect(needsSupervisor('invalid', 'potential')).toBe(true);
    expect(needsSupervisor('potential', 'key')).toBe(false);
  });

  it('takes the deal date as a real past or present calendar date, today in China by default', () => {
    const now = new Date('2026-03-01T17:00:00Z'); // already 2 March in Shanghai
    expect(todayInChina(now)).toBe('2026-03-02');
    expect(dealDateOf('', now)).toBe('2026-03-02');
    expect(dealDateOf('2026-02-28', now)).toBe('2026-02-28');
    expect(reasonOf(() => dealDateOf('2026-02-30', now))).toBe('invalid_argument');
    expect(reasonOf(() => dealDateOf('2026-03-03', now))).toBe('invalid_argument');
    expect(reasonOf(() => dealDateOf('03/01/2026', now))).toBe('invalid_argument');
  });
});
