import type { CustomFieldDefinition } from './custom-field';
import { checkValue, formatCustomFieldValue, parseCustomFieldValue } from './custom-field-values';

type Definition = Pick<CustomFieldDefinition, 'type' | 'options' | 'constraints' | 'referenceTarget'>;
const field = (type: Definition['type'], extra: Partial<Definition> = {}): Definition => ({
  type,
  options: [],
  constraints: {},
  referenceTarget: null,
  ...extra,
});
const level = field('option', {
  options: [
    { value: 'a', label: 'A级' },
    { value: 'b', label: 'B级' },
  ],
});
const tags = field('multi_option', {
  options: [
    { value: 'vip', label: '贵宾' },
    { value: 'gov', label: '政府项目' },
  ],
});

describe('checkValue', () => {
  it('normalises what the API sends, and treats empty values as none', () => {
    expect(checkValue(field('text'), '  e\u0301 华东 ')).toEqual({ ok: true, value: 'é 华东' });
    expect(checkValue(field('text'), '')).toEqual({ ok: true, value: null });
    expect(checkValue(tags, ['vip', 'vip', 'gov'])).toEqual({ ok: true, value: ['vip', 'gov'] });
    expect(checkValue(tags, [])).toEqual({ ok: true, value: null });
    expect(checkValue(field('reference'), 'A1B2C3D4-0000-4000-8000-000000000000')).toEqual({
      ok: true,
      value: 'a1b2c3d4-0000-4000-8000-000000000000',
    });
  });

  it('refuses values of the wrong type or outside the constraints', () => {
    expect(checkValue(field('number'), '5').ok).toBe(false);
    expect(checkValue(field('number', { constraints: { decimals: 0 } }), 1.5)).toEqual({ ok: false, message: 'must be a whole number' });
    expect(checkValue(field('number', { constraints: { decimals: 2 } }), 0.1 + 0.2).ok).toBe(false);
    expect(checkValue(field('number'), 1e-7).ok).toBe(true);
    expect(checkValue(field('date'), '2024-02-30').ok).toBe(false);
    expect(checkValue(field('text', { constraints: { maxLength: 2 } }), '三个字').ok).toBe(false);
    expect(checkValue(field('text'), 'bell\u0007').ok).toBe(false);
    expect(checkValue(field('text'), '第一行\n第二行').ok).toBe(true);
    expect(checkValue(level, 'c').ok).toBe(false);
  });
});

describe('parseCustomFieldValue', () => {
  it('reads spreadsheet cells: thousands separators, full-width digits, Chinese dates, option labels', () => {
    expect(parseCustomFieldValue(field('number'), '1,234,567.5')).toEqual({ ok: true, value: 1234567.5 });
    expect(parseCustomFieldValue(field('number'), '１２３')).toEqual({ ok: true, value: 123 });
    expect(parseCustomFieldValue(field('date'), '2024年3月5日')).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseCustomFieldValue(field('date'), '2024/12/31')).toEqual({ ok: true, value: '2024-12-31' });
    expect(parseCustomFieldValue(level, 'B级')).toEqual({ ok: true, value: 'b' });
    expect(parseCustomFieldValue(level, 'a')).toEqual({ ok: true, value: 'a' });
    expect(parseCustomFieldValue(tags, '贵宾、gov')).toEqual({ ok: true, value: ['vip', 'gov'] });
    expect(parseCustomFieldValue(field('text'), '   ')).toEqual({ ok: true, value: null });
  });

  it('says why a cell does not fit', () => {
    expect(parseCustomFieldValue(field('number'), '十二')).toEqual({ ok: false, message: '十二 is not a number' });
    expect(parseCustomFieldValue(tags, '贵宾;黑名单')).toEqual({ ok: false, message: '黑名单 is not an option of this field' });
    expect(parseCustomFieldValue(field('number', { constraints: { max: 10 } }), '11')).toEqual({
      ok: false,
      message: 'must be at most 10',
    });
  });
});

describe('formatCustomFieldValue', () => {
  it('shows labels, and what it shows parses back to the value', () => {
    expect(formatCustomFieldValue(tags, ['vip', 'gov'])).toBe('贵宾、政府项目');
    expect(parseCustomFieldValue(tags, formatCustomFieldValue(tags, ['vip', 'gov']))).toEqual({ ok: true, value: ['vip', 'gov'] });
    expect(formatCustomFieldValue(level, 'a')).toBe('A级');
    expect(formatCustomFieldValue(field('number'), 12.5)).toBe('12.5');
    expect(formatCustomFieldValue(field('text'), undefined)).toBe('');
  });
});
