import { PassThrough, Readable } from 'node:stream';
// Before exceljs, so that its streaming reader decodes Chinese text right.
import './exceljs-fix';
import ExcelJS from 'exceljs';

// XLSX in and out through exceljs's streaming reader and writer: rows are handled one at a time
// as the zip streams through, never as a whole workbook in memory.

export interface SheetRow {
  rowNo: number;
  cells: string[];
}

type CellValue = ExcelJS.CellValue;

/** A cell as the text a user typed: numbers without exponent, dates as YYYY-MM-DD. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null);
  if ('text' in value) return String((value as { text: unknown }).text);
  return '';
}

/** The rows of the first worksheet of an XLSX byte stream, in batches. */
export async function* readXlsx(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SheetRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), {
    sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit',
  });
  for await (const worksheet of reader) {
    let batch: SheetRow[] = [];
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as CellValue[];
      const cells: string[] = [];
      for (let column = 1; column < values.length; column += 1) cells.push(cellText(values[column]));
      batch.push({ rowNo: row.number, cells });
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return; // the first worksheet only
  }
}

/** A streaming workbook with one sheet; read the bytes from `output`. */
export class XlsxWriter {
  readonly output = new PassThrough();
  private readonly workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: this.output, useSharedStrings: false, useStyles: false });
  private readonly sheet: ExcelJS.Worksheet;

  constructor(sheetName: string) {
    this.sheet = this.workbook.addWorksheet(sheetName);
  }

  addRow(cells: readonly (string | number)[]): void {
    this.sheet.addRow(cells as (string | number)[]).commit();
  }

  async finish(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
