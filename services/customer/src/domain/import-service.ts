import { randomUUID } from 'node:crypto';
import { can, customerScopeOf, customerWriteScopeOf, primaryUnit, requirePermission, type DataScope, type Principal } from '@liaison/auth';
import { AppError, inTransaction, pageSizeOf, requireUuid, seqPageTokens, type Logger, type Pool, type PoolClient } from '@liaison/runtime';
import { customerImportFinished, customersImported } from '../events/import-events';
import { CsvFormatError, readCsv, type CsvEncoding } from '../files/csv-reader';
import { csvLine, UTF8_BOM } from '../files/csv-writer';
import { readXlsx, XlsxFormatError } from '../files/xlsx';
import { CustomFieldRepository } from '../persistence/custom-field-repository';
import { ImportRepository, RowStager } from '../persistence/import-repository';
import type { CustomFieldDefinition } from './custom-field';
import { mapHeader, type ColumnIndex } from './import-columns';
import { CustomFieldCells, mapCustomColumns, ReferenceCheck, type Reference } from './import-custom-fields';
import { uuidV7 } from './import-ids';
import type { ImportJob, ImportOptions } from './import-job';
import { BaseDataCheck } from './import-base-data';
import type { RowError } from './import-errors';
import { checkRow, columnOfField, type Importer, type StagedRow } from './import-rows';

// CUS-14 import use cases. An upload is read, checked and staged while it streams in; the job
// then imports the staged rows chunk by chunk in the background, each chunk one transaction that
// also records how far the job got and emits its event. A failure stops the job: committed
// chunks stay, the job says from which row on nothing was imported.

// Excel's own limit (1,048,576 rows including the header) bounds what users can hand us.
const MAX_DATA_ROWS = 1_048_575;
const PROGRESS_EVERY_ROWS = 20_000;
const ERROR_BATCH = 1000;
const REPORT_PAGE = 5000;
const MAX_PAGE_SIZE = 100;
const importPages = seqPageTokens('customer-imports');
// The pool's statement timeout suits requests; staging a million rows with COPY, or finding the
// repeats among them, takes longer. A chunk gets minutes, not forever.
const CHUNK_STATEMENT_TIMEOUT = '5min';
// Longer than any chunk takes: a job silent for this long has lost its process.
const ORPHAN_AFTER_SECONDS = 600;

export interface ImportSettings {
  chunkRows: number;
  logger: Logger;
}

/** Everything the background part of a job needs from the upload. */
interface JobContext {
  job: ImportJob;
  options: ImportOptions;
  importerId: string;
  ownerUnit: string | null;
  scope: DataScope;
}

export interface ImportPage {
  jobs: ImportJob[];
  nextPageToken: string;
}

// Other people's import jobs (their files quote customer rows) are an administrator's business;
// a director's read-everything does not extend to them.
function seesEveryImport(principal: Principal): boolean {
  return can(principal, 'admin', 'update');
}

export class ImportService {
  private readonly repository = new ImportRepository();
  private readonly customFields = new CustomFieldRepository();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly pool: Pool,
    private readonly settings: ImportSettings,
  ) {}

  /** Reads and stages the file; resolves with the job once the import runs in the background. */
  async upload(principal: Principal, options: ImportOptions, file: AsyncIterable<Uint8Array>): Promise<ImportJob> {
    // The RPC declares import:create (the job centre); the data module's own right is this one.
    requirePermission(principal, 'customer', 'import');
    if (this.stopping) throw new AppError('unavailable', 'the service is shutting down; upload again');
    const job = await this.repository.createJob(this.pool, randomUUID(), options, principal.userId);
    try {
      await this.stage(job, options, principal, file);
    } catch (error) {
      await this.withoutTimeout((client) => this.repository.dropStaged(client, job.id)).catch(() => undefined);
      await this.repository
        .markStatus(this.pool, job.id, 'failed', `the file could not be read: ${describe(error)}; nothing was imported`)
        .catch(() => undefined);
      const unreadable = error instanceof CsvFormatError || error instanceof XlsxFormatError;
      throw unreadable ? AppError.invalid(error.message, [{ field: 'file', message: error.message }]) : error;
    }
    const started = await this.repository.markStatus(this.pool, job.id, 'running');
    this.startInBackground({
      job: started,
      options,
      importerId: principal.userId,
      ownerUnit: primaryUnit(principal),
      scope: customerWriteScopeOf(principal),
    });
    return started;
  }

  async get(principal: Principal, id: string): Promise<ImportJob> {
    requireUuid(id, 'id');
    const job = await this.repository.find(this.pool, id, seesEveryImport(principal) ? null : principal.userId);
    if (!job) throw AppError.notFound('import');
    return job;
  }

  async list(principal: Principal, pageSize: number, pageToken: string): Promise<ImportPage> {
    const size = pageSizeOf(pageSize, { default: 20, max: MAX_PAGE_SIZE });
    const after = importPages.decode(pageToken) ?? null;
    const jobs = await this.repository.list(this.pool, seesEveryImport(principal) ? null : principal.userId, size + 1, after);
    const page = jobs.slice(0, size);
    return { jobs: page, nextPageToken: jobs.length > size ? importPages.encode(page[page.length - 1].seq) : '' };
  }

  /** The error report as CSV chunks: BOM and header first, then the rows in file order. */
  async *errorReport(principal: Principal, id: string): AsyncGenerator<Buffer> {
    const job = await this.get(principal, id);
    yield Buffer.from(UTF8_BOM + csvLine(['row', 'column', 'value', 'message']));
    let after = { rowNo: 0, id: '0' };
    for (;;) {
      const errors = await this.repository.errorsAfter(this.pool, job.id, after, REPORT_PAGE);
      if (errors.length === 0) return;
      yield Buffer.from(errors.map((error) => csvLine([String(error.rowNo), error.column, error.value, error.message])).join(''));
      const last = errors[errors.length - 1];
      after = { rowNo: last.rowNo, id: last.id };
    }
  }

  /** Fails jobs left unfinished by a process that died. */
  async failOrphans(): Promise<void> {
    const ids = await this.repository.failOrphans(this.pool, ORPHAN_AFTER_SECONDS);
    if (ids.length > 0) this.settings.logger.warn({ imports: ids }, 'marked interrupted imports as failed');
  }

  /** Lets running jobs stop at their next chunk boundary (failed, saying how far they got). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async stage(job: ImportJob, options: ImportOptions, principal: Principal, file: AsyncIterable<Uint8Array>): Promise<void> {
    // Read once: the whole file is checked against the definitions enabled when it started.
    const definitions = await this.customFields.list(this.pool, false);
    const client = await this.pool.connect();
    await client.query('SET statement_timeout = 0');
    const stager = new RowStager(client, job.id);
    let encoding: CsvEncoding | null = null;
    const importer: Importer = { userId: principal.userId, username: principal.username };
    const reading = new FileReading(job.id, importer, options, this.repository, this.pool, {
      definitions,
      scope: customerScopeOf(principal),
    });
    try {
      const batches =
        options.format === 'csv'
          ? readCsv(file, options.encoding, (used) => {
              encoding = used;
            })
          : readXlsx(file);
      for await (const records of batches) {
        await stager.add(await reading.take(records));
        await reading.flush(false, encoding);
      }
      await stager.finish();
      await reading.flush(true, encoding);
      if (reading.total === 0)
        throw AppError.invalid('the file has no customer rows', [{ field: 'file', message: 'add rows below the header row' }]);
      if (options.duplicates !== 'create') await this.repository.markRepeats(client, job.id, options.duplicateKey);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      stager.abort(failure);
      client.release(failure); // a connection left mid-COPY is closed, not reused
      throw error;
    }
    await client.query('RESET statement_timeout');
    client.release();
  }

  /** Runs bulk statements on a connection without the pool's statement timeout. */
  private async withoutTimeout<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SET statement_timeout = 0');
      const result = await work(client);
      await client.query('RESET statement_timeout');
      client.release();
      return result;
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  private startInBackground(context: JobContext): void {
    const run = this.importChunks(context).catch((error: unknown) => {
      this.settings.logger.error({ err: error, importId: context.job.id }, 'import could not record its failure');
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async importChunks(context: JobContext): Promise<void> {
    const { job } = context;
    const starts = await this.withoutTimeout((client) => this.repository.chunkStarts(client, job.id, this.settings.chunkRows));
    let chunk = 0;
    try {
      for (; chunk < starts.length; chunk += 1) {
        if (this.stopping) throw new Error('the service was shut down');
        await this.importChunk(context, chunk + 1, starts[chunk], starts[chunk + 1] ?? Number.MAX_SAFE_INTEGER);
      }
      await this.finish(job.id, 'completed', null);
    } catch (error) {
      const from = starts[chunk];
      const message =
        `chunk ${chunk + 1} of ${starts.length} (from row ${from}) failed: ${describe(error)}; ` +
        (chunk === 0 ? 'nothing was imported' : `rows before row ${from} were imported, rows from row ${from} on were not`);
      this.settings.logger.warn({ err: error, importId: job.id, chunk: chunk + 1 }, 'import failed');
      await this.finish(job.id, 'failed', message);
    }
  }

  private async importChunk(context: JobContext, chunk: number, fromRow: number, toRow: number): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = '${CHUNK_STATEMENT_TIMEOUT}'`);
      const outcome = await this.repository.importChunk(tx, {
        jobId: context.job.id,
        fromRow,
        toRow,
        importerId: context.importerId,
        ownerUnit: context.ownerUnit,
        scope: context.scope,
        options: context.options,
      });
      await this.repository.recordChunk(tx, context.job.id, toRow, outcome);
      await customersImported(tx, context.job.id, chunk, outcome);
    });
  }

  private async finish(id: string, status: 'completed' | 'failed', error: string | null): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const job = await this.repository.markStatus(tx, id, status, error);
      await customerImportFinished(tx, job);
    });
    await this.withoutTimeout((client) => this.repository.dropStaged(client, id));
  }
}

/** Turns file records into staged rows and error lines, counting and flushing as it goes. */
class FileReading {
  total = 0;
  private failed = 0;
  private columns: ColumnIndex | undefined;
  private customCells: CustomFieldCells | undefined;
  private pendingErrors: RowError[] = [];
  private reportedTotal = 0;
  private readonly baseData: BaseDataCheck;
  private readonly references: ReferenceCheck;

  constructor(
    private readonly jobId: string,
    private readonly importer: Importer,
    private readonly options: ImportOptions,
    private readonly repository: ImportRepository,
    private readonly pool: Pool,
    private readonly customFields: { definitions: CustomFieldDefinition[]; scope: DataScope },
  ) {
    this.baseData = new BaseDataCheck(pool);
    this.references = new ReferenceCheck(pool, customFields.scope);
  }

  async take(records: { rowNo: number; cells: string[] }[]): Promise<{ id: string; row: StagedRow }[]> {
    const checked: { row: StagedRow; references: Reference[] }[] = [];
    for (const record of records) {
      if (record.cells.every((cell) => cell.trim() === '')) continue;
      if (!this.columns || !this.customCells) {
        this.columns = mapHeader(record.cells);
        this.customCells = new CustomFieldCells(
          mapCustomColumns(record.cells, this.customFields.definitions),
          this.customFields.definitions,
        );
        continue;
      }
      this.total += 1;
      if (this.total > MAX_DATA_ROWS)
        throw AppError.invalid('the file has too many rows', [
          { field: 'file', message: `at most ${MAX_DATA_ROWS} rows per file; split it` },
        ]);
      const result = checkRow(record.rowNo, record.cells, this.columns, this.importer, this.options.assignTo);
      const custom = this.customCells.read(record.rowNo, record.cells);
      if (!result.ok || custom.errors.length > 0) {
        this.refuse([...(result.ok ? [] : result.errors), ...custom.errors]);
        continue;
      }
      result.row.fields.customFields = custom.values;
      result.row.createErrors = custom.createErrors;
      checked.push({ row: result.row, references: custom.references });
    }
    const baseDataFailures = await this.baseData.failures(checked.map((entry) => entry.row));
    const referenceFailures = await this.references.failures(checked.map(({ row, references }) => ({ rowNo: row.rowNo, references })));
    const staged = [];
    for (const { row } of checked) {
      const failing = (baseDataFailures.get(row.rowNo) ?? []).map((check) => this.baseDataError(row, check.field, check.message));
      failing.push(...(referenceFailures.get(row.rowNo) ?? []));
      if (failing.length === 0) staged.push({ id: uuidV7(), row });
      else this.refuse(failing);
    }
    return staged;
  }

  private refuse(errors: RowError[]): void {
    this.failed += 1;
    this.pendingErrors.push(...errors);
  }

  private baseDataError(row: StagedRow, field: string, message: string): RowError {
    const key = columnOfField(field);
    const value =
      {
        source: row.fields.source,
        industry: row.fields.industry,
        nature: row.fields.nature,
        province: row.fields.province,
        city: row.fields.city,
      }[key as 'source'] ?? '';
    return { rowNo: row.rowNo, column: this.columns?.[key]?.heading ?? key, value, message };
  }

  async flush(final: boolean, encoding: string | null): Promise<void> {
    if (final || this.pendingErrors.length >= ERROR_BATCH) {
      await this.repository.insertErrors(this.pool, this.jobId, this.pendingErrors);
      this.pendingErrors = [];
    }
    if (final || this.total - this.reportedTotal >= PROGRESS_EVERY_ROWS) {
      await this.repository.recordReading(this.pool, this.jobId, this.total, this.failed, encoding);
      this.reportedTotal = this.total;
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof AppError)
    return error.violations.length
      ? `${error.message} (${error.violations.map((v) => `${v.field}: ${v.message}`).join('; ')})`
      : error.message;
  return error instanceof Error ? error.message : String(error);
}
