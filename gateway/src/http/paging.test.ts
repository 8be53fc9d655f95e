import { oneToPattern } from './paging';

describe('page size patterns', () => {
  it.each([9, 10, 100, 200, 1234])('matches exactly the whole numbers 1 to %i', (max) => {
    const pattern = new RegExp(oneToPattern(max));
    const matched = Array.from({ length: max + 100 }, (_, i) => i).filter((n) => pattern.test(String(n)));
    expect(matched).toEqual(Array.from({ length: max }, (_, i) => i + 1));
    expect(pattern.test(`0${max}`)).toBe(false);
    expect(pattern.test(`${max}0`)).toBe(false);
  });
});
