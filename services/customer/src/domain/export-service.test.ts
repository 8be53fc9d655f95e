import type { CustomFieldDefinition } from './custom-field';
import { parseCustomFieldValue } from './custom-field-values';
import { customFieldCell } from './export-service';

const definition = (type: CustomFieldDefinition['type'], extra: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition => ({
  key: type,
  label: type,
  type,
  required: false,
  options: [],
  referenceTarget: null,
  constraints: {},
  enabled: true,
  sortOrder: 0,
  createdAt: new Date(0),
  createdBy: 'admin',
  updatedAt: new Date(0),
  updatedBy: 'admin',
  ...extra,
});

const level = definition('option', { options: [{ value: 'a', label: 'A级' }] });
const tags = definition('multi_option', {
  options: [
    { value: 'vip', label: '贵宾' },
    { value: 'gov', label: '政府、国企' },
    { value: 'x', label: '出口' },
  ],
});
const CSV_CASES: [CustomFieldDefinition, string | number | string[], string][] = [
  [definition('text'), '第一行\n第二行', '第一行\n第二行'],
  [definition('number'), 1234567.5, '1234567.5'],
  [definition('number'), 1e-7, '0.0000001'],
  [definition('date'), '2024-03-05', '2024-03-05'],
  [level, 'a', 'A级'],
  [tags, ['vip', 'x'], '贵宾、出口'],
  [
    definition('reference', { referenceTarget: 'customer' }),
    '0190a1b2-c3d4-7000-8000-000000000001',
    '0190a1b2-c3d4-7000-8000-000000000001',
  ],
];

describe('custom field cells of an export', () => {
  it('renders values human-readably in CSV, and each reads back to the stored value', () => {
    for (const [field, value, cell] of CSV_CASES) {
      expect(customFieldCell(field, value, 'csv')).toBe(cell);
      expect(parseCustomFieldValue(field, cell)).toEqual({ ok: true, value });
    }
    expect(customFieldCell(level, undefined, 'csv')).toBe('');
  });

  it('writes an option value instead of a label that holds a list separator, so that the list still splits right', () => {
    expect(customFieldCell(tags, ['gov', 'vip'], 'csv')).toBe('gov、贵宾');
    expect(parseCustomFieldValue(tags, 'gov、贵宾')).toEqual({ ok: true, value: ['gov', 'vip'] });
  });

  it('gives XLSX number and date cells, and empty cells for missing values', () => {
    expect(customFieldCell(definition('number'), 12.5, 'xlsx')).toBe(12.5);
    expect(customFieldCell(definition('date'), '2024-03-05', 'xlsx')).toEqual(new Date(Date.UTC(2024, 2, 5)));
    expect(customFieldCell(tags, ['vip'], 'xlsx')).toBe('贵宾');
    expect(customFieldCell(definition('text'), undefined, 'xlsx')).toBeNull();
  });
});
