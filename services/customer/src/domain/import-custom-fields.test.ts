import type { CustomFieldDefinition } from './custom-field';
import { customFieldHeadings, CustomFieldCells, mapCustomColumns } from './import-custom-fields';

const definition = (key: string, label: string, extra: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition => ({
  key,
  label,
  type: 'text',
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

const note = definition('note', '备注', { constraints: { maxLength: 4 } });
const revenue = definition('revenue', '年营业额', { type: 'number', constraints: { decimals: 2 } });
const founded = definition('founded', '成立日期', { type: 'date' });
const level = definition('level', '客户级别', {
  type: 'option',
  options: [
    { value: 'a', label: 'A级' },
    { value: 'b', label: 'B级' },
  ],
});
const tags = definition('tags', '客户标签', {
  type: 'multi_option',
  options: [
    { value: 'vip', label: '贵宾' },
    { value: 'gov', label: '政府项目' },
    { value: 'export', label: '出口' },
  ],
});
const parent = definition('parent', '上级公司', { type: 'reference', referenceTarget: 'customer' });
const ALL = [note, revenue, founded, level, tags, parent];
const PARENT_ID = '0190a1b2-c3d4-7000-8000-000000000001';

function readOne(header: string[], cells: string[], definitions = ALL) {
  return new CustomFieldCells(mapCustomColumns(header, definitions), definitions).read(2, cells);
}

describe('custom field columns of an import', () => {
  it('finds a field by its label, its key or custom_fields.<key>, and ignores other headings', () => {
    const columns = mapCustomColumns(['客户名称', '＊备注', 'Revenue', 'custom_fields.founded', '不认识', ' 客户级别 '], ALL);
    expect(columns.map(({ index, heading, definition: { key } }) => ({ index, heading, key }))).toEqual([
      { index: 1, heading: '＊备注', key: 'note' },
      { index: 2, heading: 'Revenue', key: 'revenue' },
      { index: 3, heading: 'custom_fields.founded', key: 'founded' },
      { index: 5, heading: '客户级别', key: 'level' },
    ]);
  });

  it('leaves a heading that is also a built-in column to the built-in column', () => {
    const clash = definition('phone', '手机', { type: 'text' });
    expect(mapCustomColumns(['客户名称', '手机', 'phone'], [clash])).toEqual([]);
    expect(mapCustomColumns(['客户名称', 'custom_fields.phone'], [clash]).map((column) => column.definition.key)).toEqual(['phone']);
  });

  it("gives a label precedence over another field's key, and refuses a field named twice", () => {
    const a = definition('level_a', 'level');
    const b = definition('level', '级别');
    expect(mapCustomColumns(['level'], [b, a]).map((column) => column.definition.key)).toEqual(['level_a']);
    expect(() => mapCustomColumns(['备注', 'note'], ALL)).toThrow('twice');
    expect(mapCustomColumns(['客户名称', ''], [definition('star', '*')])).toEqual([]);
  });

  it('heads export columns so that the import maps them back', () => {
    const clash = definition('phone', '手机');
    const a = definition('level_a', 'level');
    const b = definition('level', '级别');
    expect(customFieldHeadings([note, clash, a, b], 'zh')).toEqual(['备注', 'custom_fields.phone', 'level', '级别']);
    expect(customFieldHeadings([note, clash, a, b], 'en')).toEqual(['note', 'custom_fields.phone', 'level_a', 'custom_fields.level']);
  });
});

describe('custom field cells of a row', () => {
  const header = ['客户名称', '备注', '年营业额', '成立日期', '客户级别', '客户标签', '上级公司'];

  it('reads every type as the API stores it', () => {
    const read = readOne(header, ['x', ' 华东 ', '1,234,567.5', '2024/3/5', 'B级', '贵宾、政府项目', PARENT_ID.toUpperCase()]);
    expect(read.errors).toEqual([]);
    expect(read.values).toEqual({
      founded: '2024-03-05',
      level: 'b',
      note: '华东',
      parent: PARENT_ID,
      revenue: 1234567.5,
      tags: ['vip', 'gov'],
    });
    expect(Object.keys(read.values)).toEqual(['founded', 'level', 'note', 'parent', 'revenue', 'tags']);
    expect(read.references).toEqual([{ target: 'customer', id: PARENT_ID, column: '上级公司' }]);
  });

  it('normalises numbers, dates and option lists the way spreadsheets write them', () => {
    const cells = (revenueText: string, date: string, option: string, list: string) =>
      readOne(header, ['x', '', revenueText, date, option, list, '']).values;
    expect(cells('１２３', '2024-03-05', 'a', 'vip,gov')).toEqual({
      revenue: 123,
      founded: '2024-03-05',
      level: 'a',
      tags: ['vip', 'gov'],
    });
    expect(cells('12,000', '2024年12月1日', 'A级', '贵宾，出口')).toMatchObject({
      revenue: 12000,
      founded: '2024-12-01',
      tags: ['vip', 'export'],
    });
    for (const list of ['贵宾;出口', '贵宾；出口', 'vip , export', '贵宾、出口、贵宾'])
      expect(cells('', '', '', list).tags).toEqual(['vip', 'export']);
  });

  it('says per column why a cell does not fit, with the rules of the API', () => {
    const read = readOne(header, ['x', '五个汉字啊', '1.234', '2024-02-30', 'C级', '贵宾、黑名单', 'not-an-id']);
    expect(read.errors.map(({ column, value, message }) => ({ column, value, message }))).toEqual([
      { column: '备注', value: '五个汉字啊', message: 'must be at most 4 characters' },
      { column: '年营业额', value: '1.234', message: 'must have at most 2 decimals' },
      { column: '成立日期', value: '2024-02-30', message: 'must be a date YYYY-MM-DD' },
      { column: '客户级别', value: 'C级', message: 'C级 is not an option of this field' },
      { column: '客户标签', value: '贵宾、黑名单', message: '黑名单 is not an option of this field' },
      { column: '上级公司', value: 'not-an-id', message: 'must be the id (UUID) of a record' },
    ]);
    expect(read.errors.every((error) => error.rowNo === 2)).toBe(true);
    expect(readOne(header, ['x', '', '十二', '', '', '', '']).errors[0]).toMatchObject({
      column: '年营业额',
      message: '十二 is not a number',
    });
  });

  it('leaves required fields to the create: a missing value refuses only a row that creates a customer', () => {
    const required = [
      { ...note, required: true },
      { ...level, required: true },
    ];
    expect(readOne(['客户名称', '备注'], ['x', ''], required).createErrors).toEqual([
      { column: '备注', message: 'is required (备注)' },
      { column: '客户级别', message: 'is required (客户级别)' },
    ]);
    expect(readOne(['客户名称', '备注', '客户级别'], ['x', '有', 'a'], required)).toMatchObject({ errors: [], createErrors: [] });
  });
});
