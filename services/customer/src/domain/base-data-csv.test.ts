import { parseCsv, parseImport } from './base-data-csv';

describe('parseCsv', () => {
  it('reads quoted values with commas, doubled quotes and line breaks, and numbers records by their first line', () => {
    const { records, violations } = parseCsv('\uFEFFa,b\r\n"x, y","他说""好"""\n"多\n行",z\n\n');
    expect(violations).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', '他说"好"'] },
      { line: 3, fields: ['多\n行', 'z'] },
    ]);
  });

  it('reports a quote that is never closed at the line where its record starts', () => {
    expect(parseCsv('a\n"open\nstill open').violations).toEqual([{ field: 'lines[2]', message: 'a quoted value is never closed' }]);
    expect(parseCsv('a\n"two\nlines","open\n').violations).toEqual([{ field: 'lines[2]', message: 'a quoted value is never closed' }]);
  });

  it('counts a CRLF inside a quoted value as one line, and skips lines of spaces, quoted or not', () => {
    expect(parseCsv('a\r\n"x\r\ny",b\r\n   \r\n"  "\r\nc\r\n').records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['x\r\ny', 'b'] },
      { line: 6, fields: ['c'] },
    ]);
  });

  it('keeps a quote inside an unquoted value as typed, but refuses text after a closing quote', () => {
    expect(parseCsv('O"Brien, "x" ').records).toEqual([{ line: 1, fields: ['O"Brien', 'x'] }]);
    expect(parseCsv('a\nb\n"Acme" Ltd,x').violations).toEqual([
      { field: 'lines[3]', message: expect.stringContaining('a quoted value is followed by more text') },
    ]);
  });

  it('accepts a last line without a line break and old Mac line ends', () => {
    expect(parseCsv('a,b\rc,d').records.map((record) => record.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});

describe('parseImport', () => {
  it('maps columns in any order, with optional ones missing', () => {
    const parsed = parseImport('NAME,code,kind\n展会,trade_show,source\n');
    expect(parsed.violations).toEqual([]);
    expect(parsed.lines).toEqual([
      { line: 2, entry: { kind: 'source', code: 'trade_show', name: '展会', nameEn: null, sortOrder: 0, parentCode: null } },
    ]);
  });

  it('names the line and column of every problem', () => {
    const parsed = parseImport('kind,code,name,sort,parent_code\nsource,ok,好,1,\nsource,,无编码,x,\ncity,c1,孤城,,\nsource,ok,重复,2,\n');
    expect(parsed.violations.map((violation) => violation.field)).toEqual([
      'lines[3].sort',
      'lines[3].code',
      'lines[4].parent_code',
      'lines[5].code',
    ]);
  });

  it('refuses unknown, missing and repeated columns in the header', () => {
    expect(parseImport('kind,code,name,colour\n').violations.map((violation) => violation.message)).toEqual([
      expect.stringContaining('unknown column "colour"'),
    ]);
    expect(parseImport('kind,kind,code,name\n').violations.map((violation) => violation.message)).toEqual([
      'the column kind appears twice',
    ]);
    expect(parseImport('').violations).toEqual([{ field: 'csv', message: expect.any(String) }]);
  });
});
