import { validateRule } from './pool-rule';

describe('validateRule', () => {
  it('accepts a rule and orders its excluded categories by the lifecycle, without repeats', () => {
    expect(validateRule({ enabled: true, daysWithoutContact: 15, excludedCategories: ['key', 'deal', 'key'] })).toEqual({
      enabled: true,
      daysWithoutContact: 15,
      excludedCategories: ['key', 'deal'],
    });
  });

  it('names every bad field', () => {
    expect(() => validateRule({ enabled: true, daysWithoutContact: 0, excludedCategories: ['deal', 'vip' as never] })).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        violations: [
          { field: 'days_without_contact', message: expect.any(String) },
          { field: 'excluded_categories[1]', message: 'is not a category' },
        ],
      }),
    );
    expect(() => validateRule({ enabled: false, daysWithoutContact: 3651, excludedCategories: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => validateRule({ enabled: false, daysWithoutContact: 1.5, excludedCategories: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
