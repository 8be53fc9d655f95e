import { checkExpectedVersion, checkKey, checkValue } from './setting';

describe('setting rules', () => {
  it('take a key of lower-case letters, digits and separators, and refuse any other', () => {
    expect(checkKey('quote.max_discount')).toBe('quote.max_discount');
    for (const key of ['', 'Quote', '1st', 'a b', 'x'.repeat(101), '客户']) {
      expect(() => checkKey(key)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('need a value, bounded in size', () => {
    expect(checkValue({ limit: 3 })).toEqual({ limit: 3 });
    expect(() => checkValue(undefined)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => checkValue('x'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('take 0 (create) or a version read', () => {
    expect(checkExpectedVersion(0)).toBe(0);
    expect(() => checkExpectedVersion(-1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
