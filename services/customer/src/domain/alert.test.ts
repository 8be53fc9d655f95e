import { AppError } from '@liaison/runtime';
import { alertKindOf, reasonOf, validateRuleSettings, type AlertRuleSettings } from './alert';

const settings = (overrides: Partial<AlertRuleSettings> = {}): AlertRuleSettings => ({
  name: '30天未联系预警', days: 30, month: null, day: null, categories: [], targetOnly: false, enabled: true, ...overrides,
});

function violationsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_argument');
    return (error as AppError).violations.map((violation) => violation.field);
  }
  throw new Error('expected a validation error');
}

describe('alert rule validation', () => {
  it('accepts a warning rule and normalises name and categories', () => {
    const valid = validateRuleSettings('no_contact', settings({ name: '  超期联系预警 ', categories: ['key', 'potential', 'key'] }));
    expect(valid).toMatchObject({ name: '超期联系预警', categories: ['potential', 'key'], month: null, day: null });
  });

  it('keeps warning days between 1 and 3650', () => {
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 0 })))).toEqual(['days']);
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 3651 })))).toEqual(['days']);
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 1.5 })))).toEqual(['days']);
    expect(validateRuleSettings('no_order', settings({ days: 3650 })).days).toBe(3650);
  });

  it('lets care rules remind on the day (0) up to a year ahead', () => {
    expect(validateRuleSettings('contact_birthday', settings({ days: 0 })).days).toBe(0);
    expect(violationsOf(() => validateRuleSettings('contact_birthday', settings({ days: 366 })))).toEqual(['days']);
  });

  it('needs a real month and day for a fixed date, and none for other kinds', () => {
    expect(validateRuleSettings('fixed_date', settings({ name: '国庆节关怀', days: 3, month: 10, day: 1 }))).toMatchObject({ month: 10, day: 1 });
    expect(validateRuleSettings('fixed_date', settings({ days: 3, month: 2, day: 29 }))).toMatchObject({ month: 2, day: 29 });
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: null, day: null })))).toEqual(['month']);
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: 4, day: 31 })))).toEqual(['day']);
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: 13, day: 1 })))).toEqual(['month']);
    expect(violationsOf(() => validateRuleSettings('no_contact', settings({ month: 10, day: 1 })))).toEqual(['month']);
  });

  it('names every problem at once: kind, name, days, categories', () => {
    const fields = violationsOf(() => validateRuleSettings(undefined, settings({ name: ' ', days: -1, categories: ['vip' as never] })));
    expect(fields).toEqual(['kind', 'name', 'days', 'categories[0]']);
    expect(violationsOf(() => validateRuleSettings('no_contact', settings({ name: '预'.repeat(51) })))).toEqual(['name']);
  });

  it('tells warnings from care', () => {
    expect(['no_contact', 'no_order'].map((kind) => alertKindOf(kind as never))).toEqual(['warning', 'warning']);
    expect(['contact_birthday', 'fixed_date', 'deal_anniversary'].map((kind) => alertKindOf(kind as never))).toEqual(['care', 'care', 'care']);
  });
});

describe('alert reasons', () => {
  const base = { ruleName: '规则', customerName: '华东机电', contactName: null, referenceDate: '2026-01-02', sinceCreation: false, dueDate: '2026-02-01', days: 35 };

  it('says how long a customer was not contacted, and since when', () => {
    expect(reasonOf({ ...base, ruleKind: 'no_contact' })).toBe('客户「华东机电」已 35 天未联系（上次联系 2026-01-02）');
    expect(reasonOf({ ...base, ruleKind: 'no_contact', sinceCreation: true })).toBe('客户「华东机电」自 2026-01-02 创建以来已 35 天未联系');
    expect(reasonOf({ ...base, ruleKind: 'no_order' })).toBe('客户「华东机电」已 35 天无订单（上次下单 2026-01-02）');
  });

  it('names the contact, the date and the days left for care', () => {
    expect(reasonOf({ ...base, ruleKind: 'contact_birthday', contactName: '王芳', dueDate: '2027-01-03', days: 5 }))
      .toBe('客户「华东机电」的联系人「王芳」1月3日生日（还有 5 天），请送上关怀');
    expect(reasonOf({ ...base, ruleKind: 'fixed_date', ruleName: '国庆节关怀', dueDate: '2026-10-01', days: 0 })).toBe('「国庆节关怀」10月1日（今天），请关怀客户「华东机电」');
    expect(reasonOf({ ...base, ruleKind: 'deal_anniversary', referenceDate: '2023-05-20', dueDate: '2026-05-20', days: 2 }))
      .toBe('客户「华东机电」成交 3 周年：5月20日（还有 2 天），请送上关怀');
  });
});
