import { AppError, type FieldViolation } from '@liaison/runtime';
import { encodingOf, type CsvEncoding } from '../files/csv-reader';

// An import job: the options the importer chose and how far it got.

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';
export type FileFormat = 'csv' | 'xlsx';
export type DuplicateHandling = 'skip' | 'update' | 'create';
export type DuplicateKey = 'name_phone' | 'name' | 'phone' | 'email';

export interface ImportOptions {
  fileName: string;
  format: FileFormat;
  /** undefined: detect (CSV only). */
  encoding: CsvEncoding | undefined;
  duplicates: DuplicateHandling;
  duplicateKey: DuplicateKey;
  assignTo: 'importer' | 'pool';
}

export interface JobStats {
  total: number;
  imported: number;
  updated: number;
  skipped: number;
  failed: number;
  assigned: number;
  unassigned: number;
}

export interface ImportJob {
  id: string;
  seq: string;
  fileName: string;
  format: FileFormat;
  encoding: string | null;
  duplicates: DuplicateHandling;
  duplicateKey: DuplicateKey;
  assignTo: 'importer' | 'pool';
  status: ImportStatus;
  stats: JobStats;
  /** Staged rows before this row number are decided. */
  nextRow: number;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function processedOf(stats: JobStats): number {
  return stats.imported + stats.updated + stats.skipped + stats.failed;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Options as requested, before checking; `encoding` is the name the client gave ('' = detect). */
export type RequestedOptions = Omit<ImportOptions, 'encoding' | 'format'> & { format: FileFormat | undefined; encoding: string };

export function checkOptions(requested: RequestedOptions): ImportOptions {
  const violations: FieldViolation[] = [];
  const fileName = requested.fileName.normalize('NFC').trim();
  if (!fileName || [...fileName].length > 255 || CONTROL_CHARS.test(fileName))
    violations.push({ field: 'options.file_name', message: 'must be 1 to 255 characters without control characters' });
  if (!requested.format) violations.push({ field: 'options.format', message: 'must be csv or xlsx' });
  const encoding = requested.encoding ? encodingOf(requested.encoding) : undefined;
  if (requested.encoding && !encoding) violations.push({ field: 'options.encoding', message: 'must be utf-8 or gb18030 (gbk)' });
  if (requested.encoding && requested.format === 'xlsx')
    violations.push({ field: 'options.encoding', message: 'applies to CSV files only' });
  if (violations.length > 0) throw AppError.invalid('import options are invalid', violations);
  return { ...requested, fileName, format: requested.format!, encoding };
}
