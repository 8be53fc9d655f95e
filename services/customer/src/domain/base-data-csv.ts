import { CsvError, parse, type Options } from 'csv-parse/sync';
import type { FieldViolation } from '@liaison/runtime';
import { cleanName, isBaseDataKind, newEntryViolations, type NewBaseDataEntry } from './base-data';

// The CSV of a base data import, read by csv-parse: UTF-8 with or without a byte order mark,
// RFC 4180 quoting, a header naming the columns. Violations name the line of the file
// ("lines[7].code"), counting the header as line 1, so that a user finds the row in a
// spreadsheet or editor.

export const MAX_IMPORT_LINES = 10_000;
const COLUMNS = ['kind', 'code', 'name', 'name_en', 'sort', 'parent_code'] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['kind', 'code', 'name'];

export interface CsvRecord {
  /** Line of the file where the record starts, 1-based. */
  line: number;
  fields: string[];
}

export interface ImportLine {
  line: number;
  entry: NewBaseDataEntry;
}

export interface ParsedImport {
  lines: ImportLine[];
  violations: FieldViolation[];
}

export const lineField = (line: number, column: string) => `lines[${line}].${column}`;

const PARSE_OPTIONS: Options = {
  bom: true,
  // Files saved by hand or joined from several sources mix line ends; csv-parse would otherwise
  // keep the first one it sees. CRLF comes first so that it ends one record, not two.
  record_delimiter: ['\r\n', '\n', '\r'],
  // Blank lines stay records so that counting records' lines gives every record its line; they
  // are dropped once counted.
  skip_empty_lines: false,
  // Extra or missing values are reported per line, with the line's other problems.
  relax_column_count: true,
  // A quote inside an unquoted value (O"Brien) is kept as typed; text after a closing quote
  // ("a"b) is still refused.
  relax_quotes: true,
  // Spaces around a value mean nothing in reference data (every column is trimmed), and a
  // quote after them still opens a quoted value.
  trim: true,
};

const lineBreaksIn = (value: string) => value.match(/\r\n|\r|\n/g)?.length ?? 0;
const isBlank = (fields: string[]) => fields.length === 1 && fields[0].trim() === '';

/** Splits CSV text into records, numbered by the line where they start; blank lines are skipped. */
export function parseCsv(text: string): { records: CsvRecord[]; violations: FieldViolation[] } {
  const records: CsvRecord[] = [];
  // csv-parse counts a CRLF inside a quoted value as two lines, so lines are counted here: a
  // record takes its own line and one more per line break inside its values.
  let line = 1;
  const onRecord = (fields: string[]) => {
    if (!isBlank(fields)) records.push({ line, fields });
    line += 1 + fields.reduce((breaks, field) => breaks + lineBreaksIn(field), 0);
    return null;
  };
  try {
    parse(text, { ...PARSE_OPTIONS, on_record: onRecord });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // `line` is where the record that broke starts.
    return { records, violations: [syntaxViolation(error, line)] };
  }
  return { records, violations: [] };
}

// csv-parse's messages speak of its options and count lines its own way; ours name the line of
// the record the way every other violation does.
function syntaxViolation(error: CsvError, line: number): FieldViolation {
  const field = `lines[${line}]`;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { field, message: 'a quoted value is never closed' };
  if (error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' || error.code === 'CSV_INVALID_CLOSING_QUOTE')
    return { field, message: 'a quoted value is followed by more text; quote the whole value and double the quotes inside it' };
  return { field, message: `is not valid CSV: ${error.message}` };
}

function headerColumns(header: CsvRecord): { columns: (Column | null)[]; violations: FieldViolation[] } {
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const violations: FieldViolation[] = [];
  const columns = names.map((name) => {
    if ((COLUMNS as readonly string[]).includes(name)) return name as Column;
    violations.push({ field: `lines[${header.line}]`, message: `unknown column "${name}"; the columns are ${COLUMNS.join(', ')}` });
    return null;
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) violations.push({ field: `lines[${header.line}]`, message: `the column ${required} is missing` });
  }
  for (const name of new Set(names)) {
    if (names.filter((other) => other === name).length > 1)
      violations.push({ field: `lines[${header.line}]`, message: `the column ${name} appears twice` });
  }
  return { columns, violations };
}

function lineToEntry(record: CsvRecord, columns: (Column | null)[]): { entry: NewBaseDataEntry; violations: FieldViolation[] } {
  const value = (column: Column) => record.fields[columns.indexOf(column)] ?? '';
  const violations: FieldViolation[] = [];
  if (record.fields.length > columns.length)
    violations.push({ field: `lines[${record.line}]`, message: `has ${record.fields.length} values for ${columns.length} columns` });
  const kind = value('kind').trim().toLowerCase();
  if (!isBaseDataKind(kind))
    violations.push({ field: lineField(record.line, 'kind'), message: 'must be source, industry, nature, target_flag, province or city' });
  const sortText = value('sort').trim() || '0';
  const sortIsNumber = /^-?\d{1,10}$/.test(sortText);
  if (!sortIsNumber) violations.push({ field: lineField(record.line, 'sort'), message: 'must be a whole number' });
  const entry: NewBaseDataEntry = {
    kind: isBaseDataKind(kind) ? kind : 'source',
    code: value('code').trim(),
    name: cleanName(value('name')) ?? '',
    nameEn: cleanName(value('name_en')),
    sortOrder: sortIsNumber ? Number(sortText) : 0,
    parentCode: value('parent_code').trim() || null,
  };
  if (isBaseDataKind(kind)) {
    const columnOf: Record<string, string> = { sort_order: 'sort' };
    violations.push(
      ...newEntryViolations(entry).map((v) => ({ field: lineField(record.line, columnOf[v.field] ?? v.field), message: v.message })),
    );
  }
  return { entry, violations };
}

// Two lines for the same entry, or two entries with one name where customers look names up,
// would make the result depend on the order of the lines.
function duplicateViolations(lines: ImportLine[]): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const codes = new Map<string, number>();
  const names = new Map<string, number>();
  for (const { line, entry } of lines) {
    const codeKey = `${entry.kind}\u0000${entry.code}`;
    const nameKey = `${entry.kind}\u0000${entry.parentCode ?? ''}\u0000${entry.name}`;
    const codeSeen = codes.get(codeKey);
    const nameSeen = names.get(nameKey);
    if (codeSeen)
      violations.push({ field: lineField(line, 'code'), message: `repeats the ${entry.kind} ${entry.code} of line ${codeSeen}` });
    else codes.set(codeKey, line);
    if (nameSeen && !codeSeen)
      violations.push({ field: lineField(line, 'name'), message: `repeats the ${entry.kind} name ${entry.name} of line ${nameSeen}` });
    else names.set(nameKey, line);
  }
  return violations;
}

/** Parses and checks everything that needs no database; the rest is the import use case's. */
export function parseImport(text: string): ParsedImport {
  const { records, violations: syntax } = parseCsv(text);
  if (syntax.length > 0) return { lines: [], violations: syntax };
  const [header, ...rows] = records;
  if (!header) return { lines: [], violations: [{ field: 'csv', message: `is empty; start with the header ${COLUMNS.join(',')}` }] };
  if (rows.length > MAX_IMPORT_LINES)
    return { lines: [], violations: [{ field: 'csv', message: `has ${rows.length} lines; import at most ${MAX_IMPORT_LINES} at a time` }] };
  const { columns, violations } = headerColumns(header);
  if (violations.length > 0) return { lines: [], violations };
  const lines: ImportLine[] = [];
  const lineViolations: FieldViolation[] = [];
  for (const record of rows) {
    const parsed = lineToEntry(record, columns);
    lineViolations.push(...parsed.violations);
    if (parsed.violations.length === 0) lines.push({ line: record.line, entry: parsed.entry });
  }
  return { lines, violations: [...lineViolations, ...duplicateViolations(lines)] };
}
