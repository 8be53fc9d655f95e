import { CsvParser, detectEncoding, encodingOf, readCsv } from './csv-reader';
import { csvCell, csvLine } from './csv-writer';
import { plainNumber } from './plain-number';
import { cellText, readXlsx, XlsxFormatError, XlsxWriter } from './xlsx';

const parseAll = (text: string, cut = 3) => {
  const parser = new CsvParser();
  const records = [];
  for (let start = 0; start < text.length; start += cut) records.push(...parser.push(text.slice(start, start + cut)));
  return [...records, ...parser.end()];
};

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside fields, whatever the chunk cuts', () => {
    const text = 'name,note\r\n"华东, ""精密""",第一\r\n"多\r\n行",x\nlast,\rcr,end';
    for (const cut of [1, 2, 3, 7, 1000]) {
      expect(parseAll(text, cut)).toEqual([
        { rowNo: 1, cells: ['name', 'note'] },
        { rowNo: 2, cells: ['华东, "精密"', '第一'] },
        { rowNo: 3, cells: ['多\r\n行', 'x'] },
        { rowNo: 4, cells: ['last', ''] },
        { rowNo: 5, cells: ['cr', 'end'] },
      ]);
    }
  });

  it('keeps a trailing empty cell and refuses an unclosed quote at the end', () => {
    expect(parseAll('a,\r\n')).toEqual([{ rowNo: 1, cells: ['a', ''] }]);
    expect(parseAll('a,')).toEqual([{ rowNo: 1, cells: ['a', ''] }]);
    expect(() => parseAll('"open')).toThrow('quoted field');
  });

  it('detects UTF-8 (with or without BOM) and falls back to GB18030', () => {
    expect(detectEncoding(Buffer.from('\uFEFF客户名称', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('客户名称', 'utf8').subarray(0, 5))).toBe('utf-8'); // cut inside a character
    expect(detectEncoding(Uint8Array.of(0xbf, 0xcd, 0xbb, 0xa7))).toBe('gb18030'); // 客户 in GBK
    expect(encodingOf('GBK')).toBe('gb18030');
    expect(encodingOf('UTF8')).toBe('utf-8');
    expect(encodingOf('latin1')).toBeUndefined();
  });

  it('decodes GB18030 across chunk boundaries and drops the UTF-8 BOM', async () => {
    async function* chunks(bytes: number[]) {
      for (const byte of bytes) yield Uint8Array.of(byte);
    }
    const used: string[] = [];
    const gbk = [0xbf, 0xcd, 0xbb, 0xa7, 0x0d, 0x0a, 0x41];
    const records = [];
    for await (const batch of readCsv(chunks(gbk), 'gb18030', (encoding) => used.push(encoding))) records.push(...batch);
    expect(records.map((record) => record.cells)).toEqual([['客户'], ['A']]);
    const bom = [...Buffer.from('\uFEFFname\r\n', 'utf8')];
    const withBom = [];
    for await (const batch of readCsv(chunks(bom), undefined, (encoding) => used.push(encoding))) withBom.push(...batch);
    expect(withBom[0].cells).toEqual(['name']);
    expect(used).toEqual(['gb18030', 'utf-8']);
  });
});

describe('CSV writer', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and defuses formulas but not phone numbers', () => {
    expect(csvCell('plain 中文')).toBe('plain 中文');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('+86 21 6888 8888')).toBe('+86 21 6888 8888');
    expect(csvCell('-5')).toBe('-5');
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it('writes what the reader reads back', () => {
    const cells = ['华东 "精密", 有限公司', 'line\r\nbreak', '', '普通'];
    expect(parseAll(csvLine(cells))).toEqual([{ rowNo: 1, cells }]);
  });
});

describe('plain numbers', () => {
  it('writes numbers without exponent or grouping, reading back as the same number', () => {
    for (const [value, text] of [
      [1e-7, '0.0000001'],
      [1.5e-10, '0.00000000015'],
      [1e21, '1000000000000000000000'],
      [-2.5e21, '-2500000000000000000000'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-0, '0'],
      [123456789012345, '123456789012345'],
    ] as const) {
      expect(plainNumber(value)).toBe(text);
      expect(Number(text)).toBe(value === 0 ? 0 : value);
    }
  });
});

describe('XLSX', () => {
  it('reads cells as typed text: dates as YYYY-MM-DD, numbers without exponent', () => {
    expect(cellText(new Date(Date.UTC(2024, 2, 5)))).toBe('2024-03-05');
    expect(cellText(1e-7)).toBe('0.0000001');
    expect(cellText(13912345678)).toBe('13912345678');
  });

  it('writes number and date cells that read back as such', async () => {
    const writer = new XlsxWriter('客户');
    const parts: Buffer[] = [];
    writer.output.on('data', (chunk: Buffer) => parts.push(chunk));
    writer.addRow(['名称', '金额', '日期', '空']);
    writer.addRow(['华东', 1234.5, new Date(Date.UTC(2024, 2, 5)), null]);
    await writer.finish();
    async function* bytes() {
      yield Buffer.concat(parts);
    }
    const rows = [];
    for await (const batch of readXlsx(bytes())) rows.push(...batch);
    expect(rows.map((row) => row.cells)).toEqual([
      ['名称', '金额', '日期', '空'],
      ['华东', '1234.5', '2024-03-05'],
    ]);
  });

  it('refuses bytes that are no workbook (a JPEG sent as XLSX) as unreadable, not as a crash', async () => {
    async function* jpeg() {
      yield Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, ...Array(200).fill(7)]);
    }
    const read = async () => {
      for await (const batch of readXlsx(jpeg())) void batch;
    };
    await expect(read()).rejects.toBeInstanceOf(XlsxFormatError);
  });
});
