import type { AppError } from '@liaison/runtime';
import { checkIdList, checkPageSize, checkReason, decodePageToken, encodePageToken, notFoundError } from './bulk-input';

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

  it('defaults the page size to 50 and keeps it within 1..200', () => {
    expect(checkPageSize(0)).toBe(50);
    expect(checkPageSize(200)).toBe(200);
    expect(refusal(() => checkPageSize(201)).code).toBe('invalid_argument');
    expect(refusal(() => checkPageSize(-1)).code).toBe('invalid_argument');
  });

  it('round-trips page tokens of one listing and refuses them in another or tampered', () => {
    const token = encodePageToken('pairs', ['12', '7']);
    expect(decodePageToken(token, 'pairs', () => true)).toEqual(['12', '7']);
    expect(decodePageToken('', 'pairs', () => true)).toBeUndefined();
    expect(refusal(() => decodePageToken(token, 'deleted', () => true)).code).toBe('invalid_argument');
    expect(refusal(() => decodePageToken(token, 'pairs', () => false)).code).toBe('invalid_argument');
    expect(refusal(() => decodePageToken('garbage', 'pairs', () => true)).code).toBe('invalid_argument');
  });
});
