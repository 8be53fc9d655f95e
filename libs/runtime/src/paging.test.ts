import { AppError } from './errors';
import { isIsoTime, isRecord, isSeq, pageSizeOf, pageTokens } from './paging';
import { checkVersion, requireExpectedVersion } from './versions';

describe('page tokens', () => {
  const seqTokens = pageTokens('pool', (cursor) => (isSeq(cursor) ? cursor : undefined));
  const timeTokens = pageTokens('followups', (cursor) =>
    isRecord(cursor) && isIsoTime(cursor.t) && isSeq(cursor.s) ? { t: cursor.t, s: cursor.s } : undefined,
  );

  it('give back the cursor they were made of; the empty token is the first page', () => {
    expect(seqTokens.decode(seqTokens.encode('42'))).toBe('42');
    expect(seqTokens.decode('')).toBeUndefined();
    const cursor = { t: '2026-03-01T10:00:00.000Z', s: '7' };
    expect(timeTokens.decode(timeTokens.encode(cursor, 'newest'), 'newest')).toEqual(cursor);
  });

  it('refuse a token of another list or binding, junk, and forged cursors', () => {
    const refused = (run: () => unknown) => expect(run).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    refused(() => seqTokens.decode(timeTokens.encode({ t: '2026-03-01T10:00:00.000Z', s: '7' })));
    refused(() => timeTokens.decode(timeTokens.encode({ t: '2026-03-01T10:00:00.000Z', s: '7' }, 'newest'), 'oldest'));
    refused(() => seqTokens.decode('garbage'));
    refused(() => seqTokens.decode('x'.repeat(5000)));
    refused(() => seqTokens.decode(seqTokens.encode('99999999999999999999')));
    refused(() => seqTokens.decode(seqTokens.encode('9223372036854775808')));
    refused(() => timeTokens.decode(timeTokens.encode({ t: "2025-01-01'; DROP TABLE follow_ups; --", s: '1' })));
    expect(seqTokens.decode(seqTokens.encode('9223372036854775807'))).toBe('9223372036854775807');
  });

  it('name page_token in the violation', () => {
    try {
      seqTokens.decode('garbage');
    } catch (error) {
      expect((error as AppError).violations).toEqual([expect.objectContaining({ field: 'page_token' })]);
    }
    expect.assertions(1);
  });
});

describe('page sizes', () => {
  it('default 0 and refuse what is out of range', () => {
    expect(pageSizeOf(0)).toBe(50);
    expect(pageSizeOf(200)).toBe(200);
    expect(pageSizeOf(0, { default: 20, max: 100 })).toBe(20);
    for (const size of [-1, 201, 1.5, Number.NaN])
      expect(() => pageSizeOf(size)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('versions', () => {
  it('require a positive integer version and refuse a stale one', () => {
    expect(requireExpectedVersion(3)).toBe(3);
    for (const bad of [0, -1, 1.5, 2 ** 60])
      expect(() => requireExpectedVersion(bad)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => checkVersion('customer', 4, 3)).toThrow(expect.objectContaining({ code: 'version_conflict' }));
    expect(() => checkVersion('customer', 3, 3)).not.toThrow();
  });
});
