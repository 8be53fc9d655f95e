import type { FieldViolation } from '@liaison/runtime';
import { cleanName, isBaseDataKind, newEntryViolations, type NewBaseDataEntry } from './base-data';

// The CSV of a base data import: UTF-8 with or without a byte order mark, RFC 4180 quoting, a
// header naming the columns. Violations name the line of the file ("lines[7].code"), counting
// the header as line 1, so that a user finds the row in a spreadsheet or editor.

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

/** Splits CSV text into records; an unterminated quote is reported at the line it opened. */
export function parseCsv(text: string): { records: CsvRecord[]; violations: FieldViolation[] } {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i];
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && input[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) return { records, violations: [{ field: `lines[${quoteLine}]`, message: 'a quoted value is never closed' }] };
  if (field !== '' || fields.length > 0) endRecord();
  return { records, violations: [] };
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
