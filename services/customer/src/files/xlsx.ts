import { PassThrough, Readable } from 'node:stream';
// Before exceljs, so that its streaming reader decodes Chinese text right.
import './exceljs-fix';
import ExcelJS from 'exceljs';
import { plainNumber } from './plain-number';

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
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : plainNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null);
  if ('text' in value) return String((value as { text: unknown }).text);
  return '';
}

/** The bytes are no workbook exceljs can read: another format sent as XLSX, or a damaged file. */
export class XlsxFormatError extends Error {}

/**
 * The rows of the first worksheet of an XLSX byte stream, in batches. Styles are read because
 * only its number format tells a date cell from a number (without, 2024-03-05 reads as 45356).
 */
export async function* readXlsx(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SheetRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const worksheet of reader) {
      yield* worksheetRows(worksheet as AsyncIterable<ExcelJS.Row>);
      return; // the first worksheet only
    }
  } catch (error) {
    throw new XlsxFormatError('the file is not a readable XLSX workbook; save it again as .xlsx, or send CSV', { cause: error });
  }
}

async function* worksheetRows(worksheet: AsyncIterable<ExcelJS.Row>): AsyncGenerator<SheetRow[]> {
  let batch: SheetRow[] = [];
  for await (const row of worksheet) {
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
}

/** A cell to write: text, a number cell, a date cell (the UTC day), or empty. */
export type SheetCell = string | number | Date | null;

const DATE_FORMAT = 'yyyy-mm-dd';

/** A streaming workbook with one sheet; read the bytes from `output`. */
export class XlsxWriter {
  readonly output = new PassThrough();
  // Styles carry the number format that makes a date cell show as a date.
  private readonly workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: this.output, useSharedStrings: false, useStyles: true });
  private readonly sheet: ExcelJS.Worksheet;

  constructor(sheetName: string) {
    this.sheet = this.workbook.addWorksheet(sheetName);
  }

  addRow(cells: readonly SheetCell[]): void {
    const row = this.sheet.addRow(cells as SheetCell[]);
    cells.forEach((cell, index) => {
      if (cell instanceof Date) row.getCell(index + 1).numFmt = DATE_FORMAT;
    });
    row.commit();
  }

  async finish(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
