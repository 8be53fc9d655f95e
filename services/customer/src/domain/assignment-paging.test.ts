import { decodeSeqToken, encodeSeqToken, pageSizeOf } from './assignment-paging';

describe('assignment paging', () => {
  it('round-trips a token for its own list only', () => {
    const token = encodeSeqToken('123', 'pool');
    expect(decodeSeqToken(token, 'pool')).toBe('123');
    expect(() => decodeSeqToken(token, 'pending')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => decodeSeqToken('forged', 'pool')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(decodeSeqToken('', 'pool')).toBeUndefined();
  });

  it('defaults and bounds the page size', () => {
    expect(pageSizeOf(0)).toBe(50);
    expect(pageSizeOf(200)).toBe(200);
    expect(() => pageSizeOf(201)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => pageSizeOf(-1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
