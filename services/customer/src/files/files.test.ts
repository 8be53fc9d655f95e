import { CsvFormatError, detectEncoding, encodingOf, readCsv, type CsvEncoding } from './csv-reader';
import { csvCell, csvLine } from './csv-writer';
import { plainNumber } from './plain-number';
import { cellText, readXlsx, XlsxFormatError, XlsxWriter } from './xlsx';

async function* pieces(bytes: Uint8Array, cut: number) {
  for (let start = 0; start < bytes.length; start += cut) yield bytes.subarray(start, start + cut);
}

/** Every record of the text, uploaded in pieces of `cut` bytes (so characters arrive split too). */
const readAll = async (text: string, cut = 3, encoding: CsvEncoding = 'utf-8') => {
  const records = [];
  for await (const batch of readCsv(pieces(Buffer.from(text, 'utf8'), cut), encoding, () => undefined)) records.push(...batch);
  return records;
};

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside fields, whatever the chunk cuts', async () => {
    const text = 'name,note\r\n"华东, ""精密""",第一\r\n"多\r\n行",x\nlast,\rcr,end';
    for (const cut of [1, 2, 3, 7, 1000]) {
      expect(await readAll(text, cut)).toEqual([
        { rowNo: 1, cells: ['name', 'note'] },
        { rowNo: 2, cells: ['华东, "精密"', '第一'] },
        { rowNo: 3, cells: ['多\r\n行', 'x'] },
        { rowNo: 4, cells: ['last', ''] },
        { rowNo: 5, cells: ['cr', 'end'] },
      ]);
    }
  });

  it('keeps a trailing empty cell and refuses an unclosed quote at the end', async () => {
    expect(await readAll('a,\r\n')).toEqual([{ rowNo: 1, cells: ['a', ''] }]);
    expect(await readAll('a,')).toEqual([{ rowNo: 1, cells: ['a', ''] }]);
    await expect(readAll('a\r\n"open')).rejects.toThrow(new CsvFormatError('the file ends inside a quoted field that opens in row 2'));
  });

  it('numbers empty lines as rows and leaves short rows and stray quotes to the row checks', async () => {
    expect(await readAll('a,b\r\n\r\nc\r\nd"e,"f"g,h\r\n')).toEqual([
      { rowNo: 1, cells: ['a', 'b'] },
      { rowNo: 2, cells: [''] },
      { rowNo: 3, cells: ['c'] },
      { rowNo: 4, cells: ['d"e', '"f"g', 'h'] },
    ]);
  });

  it('refuses a record that never ends without reading the rest of the file', async () => {
    let pulled = 0;
    async function* endlessQuote() {
      yield Buffer.from('name\r\nok\r\n"');
      for (; pulled < 500; pulled += 1) yield Buffer.alloc(64 * 1024, 'y');
    }
    const reading = (async () => {
      for await (const batch of readCsv(endlessQuote(), 'utf-8', () => undefined)) void batch;
    })();
    await expect(reading).rejects.toThrow(new CsvFormatError('row 3 never ends: is a quote left open?'));
    expect(pulled).toBeLessThan(100);
  });

  it('reads no further ahead than a few chunks while the caller is busy, and stops the upload when the caller does', async () => {
    let pulled = 0;
    let closed = false;
    async function* millionRows() {
      try {
        for (; pulled < 10_000; pulled += 1) yield Buffer.from('华东精密,13800138000\r\n'.repeat(100));
      } finally {
        closed = true;
      }
    }
    const reader = readCsv(millionRows(), undefined, () => undefined);
    const first = await reader.next();
    expect(first.value?.[0]).toEqual({ rowNo: 1, cells: ['华东精密', '13800138000'] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBeLessThan(100);
    await reader.return(undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(100);
  });

  it('says which encoding the bytes are not', async () => {
    const gbk = Buffer.from([0x41, 0x0d, 0x0a, 0xbf, 0xcd, 0xbb, 0xa7]);
    const reading = (async () => {
      for await (const batch of readCsv(pieces(gbk, 3), 'utf-8', () => undefined)) void batch;
    })();
    await expect(reading).rejects.toThrow(/^the file is not valid utf-8 \(near byte 3\)/);
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

  it('writes what the reader reads back', async () => {
    const cells = ['华东 "精密", 有限公司', 'line\r\nbreak', '', '普通'];
    expect(await readAll(csvLine(cells))).toEqual([{ rowNo: 1, cells }]);
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
