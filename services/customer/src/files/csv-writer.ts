// CSV that Excel opens correctly with Chinese text: UTF-8 with a byte order mark (without it
// Excel reads the bytes as the ANSI code page, GBK on Chinese Windows), CRLF line ends, and
// quotes around every cell that holds a comma, a quote, a line break or leading/trailing space.

export const UTF8_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
// Spreadsheets run cells that start like a formula; a leading apostrophe keeps them text
// (CSV injection, OWASP). Phone numbers such as +86 ... are the common legitimate case, so
// a + followed by a digit or space stays as it is.
const FORMULA_START = /^(?:[=@\t\r]|[+-](?![\d\s]))/;

export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
