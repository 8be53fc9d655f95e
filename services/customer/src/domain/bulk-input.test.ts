import type { AppError } from '@liaison/runtime';
import { checkIdList, checkReason, notFoundError } from './bulk-input';

const A = '8a1f3c52-0000-4000-8000-00000000000a';
const B = '8a1f3c52-0000-4000-8000-00000000000b';

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('bulk input', () => {
  it('takes each id once, lower-cased, in the order given', () => {
    expect(checkIdList([B, A.toUpperCase(), B], 'ids', 10)).toEqual([B, A]);
  });

  it('refuses empty, too long and malformed id lists with field violations', () => {
    expect(refusal(() => checkIdList([], 'ids', 10)).violations).toEqual([{ field: 'ids', message: expect.any(String) }]);
    expect(refusal(() => checkIdList([A, B], 'ids', 1)).code).toBe('invalid_argument');
    expect(refusal(() => checkIdList([A, 'nope', ''], 'ids', 10)).violations.map((v) => v.field)).toEqual(['ids[1]', 'ids[2]']);
  });

  it('names every missing id in a not_found error', () => {
    const error = notFoundError('customer', 'ids', [A, B], new Set([B]));
    expect(error.code).toBe('not_found');
    expect(error.violations).toEqual([{ field: 'ids', message: `no such customer: ${B}` }]);
  });

  it('cleans reasons and refuses overly long ones, counting Chinese characters as one each', () => {
    expect(checkReason('  重复录入  ')).toBe('重复录入');
    expect(checkReason('   ')).toBeNull();
    expect(checkReason('重'.repeat(500))).toHaveLength(500);
    expect(refusal(() => checkReason('重'.repeat(501))).violations[0].field).toBe('reason');
  });
});
