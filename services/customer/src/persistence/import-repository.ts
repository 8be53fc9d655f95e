import { once } from 'node:events';
import type { DataScope } from '@liaison/auth';
import type { PoolClient, Queryable } from '@liaison/runtime';
import { from as copyFrom } from 'pg-copy-streams';
import type { ImportJob, ImportOptions, ImportStatus, JobStats } from '../domain/import-job';
import type { RowError } from '../domain/import-errors';
import type { StagedRow } from '../domain/import-rows';
import { scopeCondition } from './scope-sql';

// SQL of import jobs. Rows are staged with COPY (the fastest way into PostgreSQL), then moved
// into customers set-based, one chunk per transaction: duplicates are found with one indexed
// lookup per row inside the same statement that inserts and updates.

interface JobRow {
  id: string;
  seq: string;
  file_name: string;
  format: ImportJob['format'];
  encoding: string | null;
  duplicates: ImportJob['duplicates'];
  duplicate_key: ImportJob['duplicateKey'];
  assign_to: ImportJob['assignTo'];
  status: ImportStatus;
  total: string;
  next_row: string;
  imported: string;
  updated: string;
  skipped: string;
  failed: string;
  assigned: string;
  unassigned: string;
  error: string | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toJob(row: JobRow): ImportJob {
  const stats: JobStats = {
    total: Number(row.total),
    imported: Number(row.imported),
    updated: Number(row.updated),
    skipped: Number(row.skipped),
    failed: Number(row.failed),
    assigned: Number(row.assigned),
    unassigned: Number(row.unassigned),
  };
  return {
    id: row.id,
    seq: row.seq,
    fileName: row.file_name,
    format: row.format,
    encoding: row.encoding,
    duplicates: row.duplicates,
    duplicateKey: row.duplicate_key,
    assignTo: row.assign_to,
    status: row.status,
    stats,
    nextRow: Number(row.next_row),
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** What one committed chunk did. */
export interface ChunkOutcome {
  created: { id: string; owned: boolean }[];
  updated: string[];
  skipped: number;
  failed: number;
}

export interface ChunkCommand {
  jobId: string;
  fromRow: number;
  toRow: number;
  importerId: string;
  ownerUnit: string | null;
  scope: DataScope;
  options: Pick<ImportOptions, 'duplicates' | 'duplicateKey' | 'fileName'>;
}

const STAGED_COLUMNS = [
  'import_id',
  'row_no',
  'id',
  'name',
  'kind',
  'phone',
  'phone_digits',
  'email',
  'industry',
  'source',
  'star_rating',
  'credit_limit_minor',
  'credit_currency',
  'nature',
  'province',
  'city',
  'is_target',
  'category',
  'owned',
  'filled',
  'custom_fields',
  'create_errors',
];

// COPY text format: backslash escapes, \N for NULL.
function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

function stagedLine(jobId: string, id: string, row: StagedRow): string {
  const f = row.fields;
  return [
    jobId,
    row.rowNo,
    id,
    f.name,
    f.kind,
    f.phone,
    row.phoneDigits,
    f.email,
    f.industry,
    f.source,
    f.starRating,
    f.creditLimit?.minorUnits ?? null,
    f.creditLimit?.currencyCode ?? null,
    f.nature,
    f.province,
    f.city,
    f.isTarget,
    row.category,
    row.owned,
    `{${row.filled.join(',')}}`,
    JSON.stringify(f.customFields),
    JSON.stringify(row.createErrors.map((error) => ({ column_name: error.column, message: error.message }))),
  ]
    .map(copyText)
    .join('\t');
}

/** Streams staged rows into customer_import_rows over one connection with COPY FROM STDIN. */
export class RowStager {
  private readonly stream: NodeJS.WritableStream & { destroy(error?: Error): void };
  private readonly done: Promise<void>;

  constructor(
    private readonly client: PoolClient,
    private readonly jobId: string,
  ) {
    this.stream = client.query(copyFrom(`COPY customer_import_rows (${STAGED_COLUMNS.join(', ')}) FROM STDIN`));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    this.done.catch(() => undefined); // observed in finish(); a failure must not go unhandled meanwhile
  }

  /** Resolves when the rows are handed to the connection, waiting when it is behind. */
  async add(rows: { id: string; row: StagedRow }[]): Promise<void> {
    if (rows.length === 0) return;
    const text = `${rows.map(({ id, row }) => stagedLine(this.jobId, id, row)).join('\n')}\n`;
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  async finish(): Promise<void> {
    this.stream.end();
    await this.done;
  }

  abort(error: Error): void {
    this.stream.destroy(error);
  }
}

// Duplicate keys as SQL on the staged row r and a customer c, from a fixed list (never input).
const KEY_CONDITIONS: Record<ImportOptions['duplicateKey'], string> = {
  name_phone: 'c.name = r.name AND c.phone_digits = r.phone_digits',
  name: 'c.name = r.name',
  phone: "r.phone_digits <> '' AND c.phone_digits = r.phone_digits",
  email: 'r.email IS NOT NULL AND lower(c.email) = r.email',
};

// The same keys between two staged rows, for repeats inside one file.
const KEY_EXPRESSIONS: Record<ImportOptions['duplicateKey'], { key: string; present: string }> = {
  name_phone: { key: 'name || chr(1) || phone_digits', present: 'TRUE' },
  name: { key: 'name', present: 'TRUE' },
  phone: { key: 'phone_digits', present: "phone_digits <> ''" },
  email: { key: 'email', present: 'email IS NOT NULL' },
};

// Rows that create a customer unless a create error (a required custom field without a value) refuses them.
const CREATING = 'match_id IS NULL AND repeats_row IS NULL';
const REFUSED_ON_CREATE = `${CREATING} AND create_errors <> '[]'::jsonb`;

const INSERT_CREATED = `
  INSERT INTO customers (id, name, kind, phone, email, industry, source, star_rating, credit_limit_minor, credit_currency,
    nature, province, city, is_target, owner_id, owner_unit, created_by, updated_by, category, pending_since, custom_fields)
  SELECT id, name, kind, phone, email, industry, source, star_rating, credit_limit_minor, credit_currency,
    nature, province, city, is_target, CASE WHEN owned THEN $4 END, $5, $4, $4, category, now(), custom_fields
  FROM chunk WHERE ${CREATING} AND create_errors = '[]'::jsonb
  ORDER BY row_no
  RETURNING id, owner_id IS NOT NULL AS owned`;

const CREATE_ERRORS = `
  create_errors AS (
    INSERT INTO customer_import_errors (import_id, row_no, column_name, value, message)
    SELECT $1, ch.row_no, e.column_name, '', e.message
    FROM chunk ch CROSS JOIN LATERAL jsonb_to_recordset(ch.create_errors) AS e(column_name text, message text)
    WHERE ${REFUSED_ON_CREATE}
  ),`;

// An update overwrites the cells the row filled; the region and the credit limit are pairs.
const filledOr = (column: string, field: string) =>
  `CASE WHEN '${field}' = ANY(ch.filled) THEN ch.${column} ELSE (ch.existing).${column} END AS ${column}`;
const PLANNED_COLUMNS = [
  filledOr('name', 'name'),
  filledOr('kind', 'kind'),
  filledOr('phone', 'phone'),
  filledOr('email', 'email'),
  filledOr('industry', 'industry'),
  filledOr('source', 'source'),
  filledOr('star_rating', 'star_rating'),
  filledOr('credit_limit_minor', 'credit_limit'),
  filledOr('credit_currency', 'credit_limit'),
  filledOr('nature', 'nature'),
  "CASE WHEN ch.filled && '{province,city}' THEN ch.province ELSE (ch.existing).province END AS province",
  "CASE WHEN ch.filled && '{province,city}' THEN ch.city ELSE (ch.existing).city END AS city",
  filledOr('is_target', 'is_target'),
  // Custom field values of the file overwrite, the others stay: staged values hold filled cells only.
  '(ch.existing).custom_fields || ch.custom_fields AS custom_fields',
];
const CHANGEABLE = [
  'name',
  'kind',
  'phone',
  'email',
  'industry',
  'source',
  'star_rating',
  'credit_limit_minor',
  'credit_currency',
  'nature',
  'province',
  'city',
  'is_target',
  'custom_fields',
];

const json = (expression: string) => `coalesce(to_jsonb(${expression}), 'null'::jsonb)`;
const creditJson = (p: string) =>
  `CASE WHEN ${p}credit_limit_minor IS NULL THEN 'null'::jsonb ELSE jsonb_build_object('minorUnits', ${p}credit_limit_minor, 'currencyCode', ${p}credit_currency) END`;
const regionJson = (p: string) => `jsonb_build_object('province', ${p}province, 'city', ${p}city)`;
// Field names and value shapes as the customer history of UpdateCustomer records them.
const HISTORY_VALUES = [
  ...['name', 'kind', 'phone', 'email', 'industry', 'source', 'star_rating', 'nature', 'is_target'].map(
    (field) => `('${field}', ${json(`(ch.existing).${field}`)}, ${json(`p.${field}`)})`,
  ),
  `('credit_limit', ${creditJson('(ch.existing).')}, ${creditJson('p.')})`,
  `('region', ${regionJson('(ch.existing).')}, ${regionJson('p.')})`,
  "('custom_fields', (ch.existing).custom_fields, p.custom_fields)",
].join(', ');

const UPDATE_MATCHED = `
  planned AS (
    SELECT ch.row_no, ch.match_id AS id, ${PLANNED_COLUMNS.join(', ')}
    FROM chunk ch WHERE ch.match_id IS NOT NULL AND ch.repeats_row IS NULL
  ),
  changed AS (
    SELECT p.* FROM planned p JOIN chunk ch ON ch.row_no = p.row_no
    WHERE (${CHANGEABLE.map((column) => `p.${column}`).join(', ')}) IS DISTINCT FROM (${CHANGEABLE.map((column) => `(ch.existing).${column}`).join(', ')})
  ),
  updated AS (
    UPDATE customers c SET ${CHANGEABLE.map((column) => `${column} = p.${column}`).join(', ')},
      version = c.version + 1, updated_at = now(), updated_by = $4
    FROM changed p WHERE c.id = p.id
    RETURNING c.id
  ),
  history AS (
    INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by)
    SELECT p.id, v.field, v.old_value, v.new_value, $6, $4
    FROM changed p JOIN chunk ch ON ch.row_no = p.row_no
    CROSS JOIN LATERAL (VALUES ${HISTORY_VALUES}) AS v(field, old_value, new_value)
    WHERE v.old_value IS DISTINCT FROM v.new_value
  ),
  repeat_errors AS (
    INSERT INTO customer_import_errors (import_id, row_no, column_name, value, message)
    SELECT $1, row_no, $7, name, 'has the same duplicate key as row ' || repeats_row || ' of this file; only the first one is imported'
    FROM chunk WHERE repeats_row IS NOT NULL
  ),`;

const REFUSED_COUNT = `(SELECT count(*) FROM chunk WHERE ${REFUSED_ON_CREATE})`;

function chunkStatement(command: ChunkCommand): { text: string; values: unknown[] } {
  const { duplicates, duplicateKey, fileName } = command.options;
  const values: unknown[] = [command.jobId, command.fromRow, command.toRow, command.importerId, command.ownerUnit];
  const staged = 'FROM customer_import_rows r WHERE r.import_id = $1 AND r.row_no >= $2 AND r.row_no < $3';
  if (duplicates === 'create') {
    const text = `WITH chunk AS (SELECT r.*, NULL::uuid AS match_id ${staged}),
      ${CREATE_ERRORS}
      inserted AS (${INSERT_CREATED})
      SELECT (SELECT coalesce(json_agg(json_build_array(id, owned)), '[]') FROM inserted) AS created,
        '{}'::text[] AS updated, 0 AS skipped, ${REFUSED_COUNT} AS failed`;
    return { text, values };
  }
  const update = duplicates === 'update';
  if (update) values.push(`import ${fileName}`, duplicateKey);
  const scope = scopeCondition(command.scope, values.length + 1);
  values.push(...scope.values);
  const text = `WITH chunk AS (
      SELECT r.*, m.id AS match_id${update ? ', m.existing' : ''} ${staged.replace(
        'FROM customer_import_rows r',
        `FROM customer_import_rows r LEFT JOIN LATERAL (
        SELECT c.id${update ? ', c AS existing' : ''} FROM customers c
        WHERE ${KEY_CONDITIONS[duplicateKey]} AND ${scope.text}
        ORDER BY c.seq LIMIT 1${update ? ' FOR UPDATE' : ''}) m ON TRUE`,
      )}
    ),
    ${update ? UPDATE_MATCHED : ''}
    ${CREATE_ERRORS}
    inserted AS (${INSERT_CREATED})
    SELECT (SELECT coalesce(json_agg(json_build_array(id, owned)), '[]') FROM inserted) AS created,
      ${update ? "(SELECT coalesce(array_agg(id::text), '{}') FROM updated)" : "'{}'::text[]"} AS updated,
      (SELECT count(*) FROM chunk WHERE ${update ? 'match_id IS NOT NULL AND repeats_row IS NULL' : '(match_id IS NOT NULL OR repeats_row IS NOT NULL)'}) - ${update ? '(SELECT count(*) FROM updated)' : '0'} AS skipped,
      ${update ? '(SELECT count(*) FROM chunk WHERE repeats_row IS NOT NULL)' : '0'} + ${REFUSED_COUNT} AS failed`;
  return { text, values };
}

export class ImportRepository {
  async createJob(db: Queryable, id: string, options: ImportOptions, createdBy: string): Promise<ImportJob> {
    const { rows } = await db.query<JobRow>(
      `INSERT INTO customer_imports (id, file_name, format, duplicates, duplicate_key, assign_to, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7) RETURNING *`,
      [id, options.fileName, options.format, options.duplicates, options.duplicateKey, options.assignTo, createdBy],
    );
    return toJob(rows[0]);
  }

  async find(db: Queryable, id: string, createdBy: string | null): Promise<ImportJob | null> {
    const { rows } = await db.query<JobRow>('SELECT * FROM customer_imports WHERE id = $1 AND ($2::text IS NULL OR created_by = $2)', [
      id,
      createdBy,
    ]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async list(db: Queryable, createdBy: string | null, limit: number, beforeSeq: string | null): Promise<ImportJob[]> {
    const { rows } = await db.query<JobRow>(
      `SELECT * FROM customer_imports WHERE ($1::text IS NULL OR created_by = $1) AND ($2::bigint IS NULL OR seq < $2)
       ORDER BY seq DESC LIMIT $3`,
      [createdBy, beforeSeq, limit],
    );
    return rows.map(toJob);
  }

  async recordReading(db: Queryable, id: string, total: number, failed: number, encoding: string | null): Promise<void> {
    await db.query('UPDATE customer_imports SET total = $2, failed = $3, encoding = $4, heartbeat_at = now() WHERE id = $1', [
      id,
      total,
      failed,
      encoding,
    ]);
  }

  async insertErrors(db: Queryable, id: string, errors: RowError[]): Promise<void> {
    for (let start = 0; start < errors.length; start += 1000) {
      const batch = errors.slice(start, start + 1000);
      const values: unknown[] = [id];
      const tuples = batch.map((error) => {
        values.push(error.rowNo, error.column, error.value, error.message);
        const n = values.length;
        return `($1, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      });
      await db.query(
        `INSERT INTO customer_import_errors (import_id, row_no, column_name, value, message) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
  }

  /** Marks rows whose duplicate key an earlier row of the same file already has. */
  async markRepeats(db: Queryable, id: string, key: ImportOptions['duplicateKey']): Promise<void> {
    const { key: expression, present } = KEY_EXPRESSIONS[key];
    await db.query(
      `UPDATE customer_import_rows r SET repeats_row = f.first_row
       FROM (SELECT row_no, first_value(row_no) OVER (PARTITION BY ${expression} ORDER BY row_no) AS first_row
             FROM customer_import_rows WHERE import_id = $1 AND ${present}) f
       WHERE r.import_id = $1 AND r.row_no = f.row_no AND f.first_row <> f.row_no`,
      [id],
    );
  }

  /** The staged row numbers from which chunks of about `size` rows start, in order. */
  async chunkStarts(db: Queryable, id: string, size: number): Promise<number[]> {
    const { rows } = await db.query<{ row_no: string }>(
      `SELECT row_no FROM (SELECT row_no, row_number() OVER (ORDER BY row_no) AS n FROM customer_import_rows WHERE import_id = $1) s
       WHERE (n - 1) % $2 = 0 ORDER BY row_no`,
      [id, size],
    );
    return rows.map((row) => Number(row.row_no));
  }

  async markStatus(db: Queryable, id: string, status: ImportStatus, error: string | null = null): Promise<ImportJob> {
    const { rows } = await db.query<JobRow>(
      `UPDATE customer_imports SET status = $2, error = coalesce($3, error), heartbeat_at = now(),
         started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END,
         finished_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE finished_at END
       WHERE id = $1 RETURNING *`,
      [id, status, error],
    );
    return toJob(rows[0]);
  }

  async importChunk(tx: PoolClient, command: ChunkCommand): Promise<ChunkOutcome> {
    const { rows } = await tx.query<{ created: [string, boolean][]; updated: string[]; skipped: string; failed: string }>(
      chunkStatement(command),
    );
    const [row] = rows;
    return {
      created: row.created.map(([id, owned]) => ({ id, owned })),
      updated: row.updated,
      skipped: Number(row.skipped),
      failed: Number(row.failed),
    };
  }

  /** Records a committed chunk: rows before nextRow are done. */
  async recordChunk(tx: PoolClient, id: string, nextRow: number, outcome: ChunkOutcome): Promise<void> {
    const owned = outcome.created.filter((customer) => customer.owned).length;
    await tx.query(
      `UPDATE customer_imports SET next_row = $2, imported = imported + $3, updated = updated + $4, skipped = skipped + $5,
         failed = failed + $6, assigned = assigned + $7, unassigned = unassigned + $8, heartbeat_at = now()
       WHERE id = $1`,
      [id, nextRow, outcome.created.length, outcome.updated.length, outcome.skipped, outcome.failed, owned, outcome.created.length - owned],
    );
  }

  async dropStaged(db: Queryable, id: string): Promise<void> {
    await db.query('DELETE FROM customer_import_rows WHERE import_id = $1', [id]);
  }

  /** Error lines after (rowNo, id), in row order. */
  async errorsAfter(
    db: Queryable,
    id: string,
    after: { rowNo: number; id: string },
    limit: number,
  ): Promise<(RowError & { id: string })[]> {
    const { rows } = await db.query<{ id: string; row_no: string; column_name: string; value: string | null; message: string }>(
      `SELECT id, row_no, column_name, value, message FROM customer_import_errors
       WHERE import_id = $1 AND (row_no, id) > ($2, $3) ORDER BY row_no, id LIMIT $4`,
      [id, after.rowNo, after.id, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      rowNo: Number(row.row_no),
      column: row.column_name,
      value: row.value ?? '',
      message: row.message,
    }));
  }

  /** Fails jobs that stopped beating: their process died; committed chunks stay. */
  async failOrphans(db: Queryable, silentForSeconds: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `UPDATE customer_imports SET status = 'failed', finished_at = now(),
         error = 'interrupted: the service stopped while ' || CASE WHEN status = 'queued' THEN 'reading the file; nothing was imported'
           ELSE 'importing; rows before row ' || next_row || ' were imported, the rest were not' END
       WHERE status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => $1)
       RETURNING id`,
      [silentForSeconds],
    );
    return rows.map((row) => row.id);
  }
}
