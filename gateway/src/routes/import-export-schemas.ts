import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { importExportV1 } from '@liaison/contracts';
import { named } from '../http/schema-names';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import type { ListCustomersJson } from './customer-schemas';
import { ListCustomersQuery } from './customer-schemas';

// Public JSON shapes of customer import jobs and the export's query.

const {
  TransferFileFormat: Format,
  DuplicateHandling: Duplicates,
  DuplicateKey: Key,
  ImportAssignment: Assign,
  CustomerImportStatus: Status,
} = importExportV1;

const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

const DUPLICATES = ['skip', 'update', 'create'] as const;
const KEYS = ['name_phone', 'name', 'phone', 'email'] as const;
const ASSIGN_TO = ['importer', 'pool'] as const;
const STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export const UploadImportQuery = Type.Object(
  {
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Shown in the job list, e.g. 客户名单.csv.' })),
    format: Type.Optional(literals(['csv', 'xlsx'] as const, 'Default: from the content type or the file name; csv otherwise.')),
    encoding: Type.Optional(Type.String({ maxLength: 20, description: 'CSV text encoding: utf-8 or gb18030 (gbk). Default: detected.' })),
    duplicates: Type.Optional(
      literals(
        DUPLICATES,
        "Rows matching an existing customer (or an earlier row): skip (default), update the customer with the row's filled cells, or create anyway.",
      ),
    ),
    duplicateKey: Type.Optional(literals(KEYS, 'What makes a duplicate: name_phone (default), name, phone or email.')),
    assignTo: Type.Optional(
      literals(ASSIGN_TO, 'Owner of created customers unless the owner column says: importer (default) or pool (unowned).'),
    ),
  },
  { additionalProperties: false },
);

export const ListImportsQuery = Type.Object(
  {
    // The import service pages its jobs by at most 100 (import-service.ts MAX_PAGE_SIZE).
    pageSize: pageSizeParameter(100, 20),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

export const ImportIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Import job id.' }) },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0 });
export const CustomerImport = named(
  'CustomerImport',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      fileName: Type.String(),
      format: literals(['csv', 'xlsx'] as const, 'File format.'),
      encoding: Type.Union([Type.String(), Type.Null()], { description: 'The encoding the CSV was read with.' }),
      duplicates: literals(DUPLICATES, 'Duplicate handling.'),
      duplicateKey: literals(KEYS, 'Duplicate key.'),
      assignTo: literals(ASSIGN_TO, 'Owner of created customers.'),
      status: literals(STATUSES, 'queued (reading the file), running (importing chunk by chunk), completed, failed.'),
      stats: Type.Object(
        {
          total: Count,
          processed: Count,
          imported: Count,
          updated: Count,
          skipped: Count,
          failed: Count,
          assigned: Count,
          unassigned: Count,
        },
        {
          additionalProperties: false,
          description: 'Rows of the file: processed = imported + updated + skipped + failed; assigned + unassigned = imported.',
        },
      ),
      error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed import stopped, and which rows it had imported.' }),
      createdBy: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const CustomerImportList = named(
  'CustomerImportList',
  Type.Object(
    { items: Type.Array(CustomerImport), nextPageToken: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: false },
  ),
);

// The filters of GET /customers; paging and sort do not apply to a whole-scope export.
const {
  pageSize: _pageSize,
  pageToken: _pageToken,
  sort: _sort,
  ...filterProperties
} = ListCustomersQuery.properties as Record<string, TSchema>;
export const ExportCustomersQuery = Type.Object(
  {
    ...filterProperties,
    format: Type.Optional(literals(['csv', 'xlsx'] as const, 'csv (default) or xlsx.')),
    headers: Type.Optional(
      literals(
        ['en', 'zh'] as const,
        'Column headings and values in English (default) or Chinese (客户名称, 企业/个人, 是/否 ...). Custom fields follow the built-in columns, headed by key (en) or label (zh), values as option labels in both.',
      ),
    ),
  },
  {
    additionalProperties: false,
    patternProperties: (ListCustomersQuery as unknown as { patternProperties?: Record<string, TSchema> }).patternProperties,
  },
);

export type ExportQueryJson = ListCustomersJson & { format?: 'csv' | 'xlsx'; headers?: 'en' | 'zh' };

type UploadQueryJson = Static<typeof UploadImportQuery>;

export function importOptionsFromQuery(query: UploadQueryJson): Partial<importExportV1.CustomerImportOptions> {
  return {
    encoding: query.encoding ?? '',
    duplicates: {
      skip: Duplicates.DUPLICATE_HANDLING_SKIP,
      update: Duplicates.DUPLICATE_HANDLING_UPDATE,
      create: Duplicates.DUPLICATE_HANDLING_CREATE,
    }[query.duplicates ?? 'skip'],
    duplicateKey: {
      name_phone: Key.DUPLICATE_KEY_NAME_PHONE,
      name: Key.DUPLICATE_KEY_NAME,
      phone: Key.DUPLICATE_KEY_PHONE,
      email: Key.DUPLICATE_KEY_EMAIL,
    }[query.duplicateKey ?? 'name_phone'],
    assignTo: query.assignTo === 'pool' ? Assign.IMPORT_ASSIGNMENT_POOL : Assign.IMPORT_ASSIGNMENT_IMPORTER,
  };
}

const nameOf = <T extends string>(table: Record<T, number>, value: number): T =>
  (Object.keys(table) as T[]).find((key) => table[key] === value)!;

export function importToJson(job: importExportV1.CustomerImport): Static<typeof CustomerImport> {
  const stats = job.stats ?? importExportV1.CustomerImportStats.fromPartial({});
  return {
    id: job.id,
    fileName: job.fileName,
    format: job.format === Format.TRANSFER_FILE_FORMAT_XLSX ? 'xlsx' : 'csv',
    encoding: job.encoding || null,
    duplicates: nameOf(
      {
        skip: Duplicates.DUPLICATE_HANDLING_SKIP,
        update: Duplicates.DUPLICATE_HANDLING_UPDATE,
        create: Duplicates.DUPLICATE_HANDLING_CREATE,
      },
      job.duplicates,
    ),
    duplicateKey: nameOf(
      {
        name_phone: Key.DUPLICATE_KEY_NAME_PHONE,
        name: Key.DUPLICATE_KEY_NAME,
        phone: Key.DUPLICATE_KEY_PHONE,
        email: Key.DUPLICATE_KEY_EMAIL,
      },
      job.duplicateKey,
    ),
    assignTo: job.assignTo === Assign.IMPORT_ASSIGNMENT_POOL ? 'pool' : 'importer',
    status: nameOf(
      {
        queued: Status.CUSTOMER_IMPORT_STATUS_QUEUED,
        running: Status.CUSTOMER_IMPORT_STATUS_RUNNING,
        completed: Status.CUSTOMER_IMPORT_STATUS_COMPLETED,
        failed: Status.CUSTOMER_IMPORT_STATUS_FAILED,
      },
      job.status,
    ),
    stats: {
      total: stats.total,
      processed: stats.processed,
      imported: stats.imported,
      updated: stats.updated,
      skipped: stats.skipped,
      failed: stats.failed,
      assigned: stats.assigned,
      unassigned: stats.unassigned,
    },
    error: job.error || null,
    createdBy: job.createdBy,
    createdAt: job.createTime!.toISOString(),
    startedAt: job.startTime?.toISOString() ?? null,
    finishedAt: job.finishTime?.toISOString() ?? null,
  };
}
