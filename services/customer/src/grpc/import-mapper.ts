import { importExportV1 } from '@liaison/contracts';
import type { DuplicateHandling, DuplicateKey, FileFormat, ImportJob, ImportStatus } from '../domain/import-job';
import { processedOf } from '../domain/import-job';

// Import jobs and their options between the protobuf contract and the domain.

const {
  TransferFileFormat: Format,
  DuplicateHandling: Duplicates,
  DuplicateKey: Key,
  ImportAssignment: Assignment,
  CustomerImportStatus: Status,
} = importExportV1;

const FORMAT_TO_PROTO: Record<FileFormat, importExportV1.TransferFileFormat> = {
  csv: Format.TRANSFER_FILE_FORMAT_CSV,
  xlsx: Format.TRANSFER_FILE_FORMAT_XLSX,
};
const DUPLICATES_TO_PROTO: Record<DuplicateHandling, importExportV1.DuplicateHandling> = {
  skip: Duplicates.DUPLICATE_HANDLING_SKIP,
  update: Duplicates.DUPLICATE_HANDLING_UPDATE,
  create: Duplicates.DUPLICATE_HANDLING_CREATE,
};
const KEY_TO_PROTO: Record<DuplicateKey, importExportV1.DuplicateKey> = {
  name_phone: Key.DUPLICATE_KEY_NAME_PHONE,
  name: Key.DUPLICATE_KEY_NAME,
  phone: Key.DUPLICATE_KEY_PHONE,
  email: Key.DUPLICATE_KEY_EMAIL,
};
const STATUS_TO_PROTO: Record<ImportStatus, importExportV1.CustomerImportStatus> = {
  queued: Status.CUSTOMER_IMPORT_STATUS_QUEUED,
  running: Status.CUSTOMER_IMPORT_STATUS_RUNNING,
  completed: Status.CUSTOMER_IMPORT_STATUS_COMPLETED,
  failed: Status.CUSTOMER_IMPORT_STATUS_FAILED,
};

function keyOf<T extends string, P>(table: Record<T, P>, value: P): T | undefined {
  return (Object.keys(table) as T[]).find((key) => table[key] === value);
}

/** undefined for UNSPECIFIED or unknown values. */
export const formatFromProto = (format: importExportV1.TransferFileFormat) => keyOf(FORMAT_TO_PROTO, format);
export const duplicatesFromProto = (value: importExportV1.DuplicateHandling) =>
  keyOf(DUPLICATES_TO_PROTO, value) ?? (value === Duplicates.DUPLICATE_HANDLING_UNSPECIFIED ? 'skip' : undefined);
export const duplicateKeyFromProto = (value: importExportV1.DuplicateKey) =>
  keyOf(KEY_TO_PROTO, value) ?? (value === Key.DUPLICATE_KEY_UNSPECIFIED ? 'name_phone' : undefined);
export const assignToFromProto = (value: importExportV1.ImportAssignment) =>
  value === Assignment.IMPORT_ASSIGNMENT_POOL
    ? ('pool' as const)
    : value === Assignment.IMPORT_ASSIGNMENT_IMPORTER || value === Assignment.IMPORT_ASSIGNMENT_UNSPECIFIED
      ? ('importer' as const)
      : undefined;

export function toProtoImport(job: ImportJob): importExportV1.CustomerImport {
  return importExportV1.CustomerImport.fromPartial({
    id: job.id,
    fileName: job.fileName,
    format: FORMAT_TO_PROTO[job.format],
    encoding: job.encoding ?? '',
    duplicates: DUPLICATES_TO_PROTO[job.duplicates],
    duplicateKey: KEY_TO_PROTO[job.duplicateKey],
    assignTo: job.assignTo === 'pool' ? Assignment.IMPORT_ASSIGNMENT_POOL : Assignment.IMPORT_ASSIGNMENT_IMPORTER,
    status: STATUS_TO_PROTO[job.status],
    stats: { ...job.stats, processed: processedOf(job.stats) },
    error: job.error ?? '',
    createdBy: job.createdBy,
    createTime: job.createdAt,
    startTime: job.startedAt ?? undefined,
    finishTime: job.finishedAt ?? undefined,
  });
}
