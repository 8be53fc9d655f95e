import type { DataScope } from '@liaison/auth';
import { AppError, type Pool } from '@liaison/runtime';
import { CustomFieldRepository } from '../persistence/custom-field-repository';
import type { CustomFieldDefinition, ReferenceTarget } from './custom-field';
import { parseCustomFieldValue, sortedValues, type CustomFieldValues } from './custom-field-values';
import { isBuiltInHeading, normaliseHeading } from './import-columns';
import type { CreateError, RowError } from './import-errors';

// Custom fields (CUS-17) as columns of customer files. A column names a field by its label, its
// key or `custom_fields.<key>`; a heading that is also a built-in column's stays built-in. Cells
// go through the parsing and checks of custom-field-values.ts, the very rules of the API; the
// definitions are those enabled when the job starts, read once for the whole file.

export interface CustomColumn {
  index: number;
  heading: string;
  definition: CustomFieldDefinition;
}

export interface Reference {
  target: ReferenceTarget;
  id: string;
  column: string;
}

/** What the custom field cells of one row hold. */
export interface CustomCells {
  values: CustomFieldValues;
  errors: RowError[];
  createErrors: CreateError[];
  references: Reference[];
}

const PATH_PREFIX = 'custom_fields.';

// Labels first: a label that happens to be another field's key names the labelled field.
function definitionsByHeading(definitions: readonly CustomFieldDefinition[]): Map<string, CustomFieldDefinition> {
  const byHeading = new Map<string, CustomFieldDefinition>();
  const headings = [
    ...definitions.map((definition) => [definition.label, definition] as const),
    ...definitions.map((definition) => [definition.key, definition] as const),
    ...definitions.map((definition) => [PATH_PREFIX + definition.key, definition] as const),
  ];
  for (const [heading, definition] of headings) {
    const normalised = normaliseHeading(heading);
    if (normalised && !isBuiltInHeading(heading) && !byHeading.has(normalised)) byHeading.set(normalised, definition);
  }
  return byHeading;
}

/**
 * The heading under which a file carries a field, such that the import maps it back: the label
 * (Chinese headings) or the key (English ones), else `custom_fields.<key>` when that heading
 * means a built-in column or another field.
 */
export function customFieldHeadings(definitions: readonly CustomFieldDefinition[], language: 'en' | 'zh'): string[] {
  const byHeading = definitionsByHeading(definitions);
  return definitions.map((definition) => {
    const candidates = language === 'zh' ? [definition.label, definition.key] : [definition.key];
    return candidates.find((heading) => byHeading.get(normaliseHeading(heading)) === definition) ?? PATH_PREFIX + definition.key;
  });
}

/** The custom field columns of a header row, in the row's order; a field given twice refuses the file. */
export function mapCustomColumns(header: readonly string[], definitions: readonly CustomFieldDefinition[]): CustomColumn[] {
  const byHeading = definitionsByHeading(definitions);
  const columns: CustomColumn[] = [];
  header.forEach((heading, index) => {
    const definition = byHeading.get(normaliseHeading(heading));
    if (!definition) return;
    const earlier = columns.find((column) => column.definition.key === definition.key);
    if (earlier) {
      throw AppError.invalid('a column appears twice in the header row', [
        { field: 'file', message: `"${earlier.heading}" and "${heading.trim()}" both mean the custom field ${definition.label}` },
      ]);
    }
    columns.push({ index, heading: heading.trim(), definition });
  });
  return columns;
}

/** Reads the custom field cells of the rows of one file. */
export class CustomFieldCells {
  private readonly required: CustomFieldDefinition[];

  constructor(
    private readonly columns: readonly CustomColumn[],
    definitions: readonly CustomFieldDefinition[],
  ) {
    this.required = definitions.filter((definition) => definition.required);
  }

  read(rowNo: number, cells: readonly string[]): CustomCells {
    const read: CustomCells = { values: {}, errors: [], createErrors: [], references: [] };
    for (const { index, heading, definition } of this.columns) {
      const text = cells[index] ?? '';
      const parsed = parseCustomFieldValue(definition, text);
      if (!parsed.ok) read.errors.push({ rowNo, column: heading, value: text.trim(), message: parsed.message });
      else if (parsed.value !== null) read.values[definition.key] = parsed.value;
      if (parsed.ok && definition.type === 'reference' && typeof parsed.value === 'string') {
        read.references.push({ target: definition.referenceTarget ?? 'customer', id: parsed.value, column: heading });
      }
    }
    // An empty cell keeps the value of a customer the row updates, so only a created one lacks it.
    for (const definition of this.required.filter((candidate) => read.values[candidate.key] === undefined)) {
      const column = this.columns.find((candidate) => candidate.definition.key === definition.key)?.heading ?? definition.label;
      read.createErrors.push({ column, message: `is required (${definition.label})` });
    }
    read.values = sortedValues(read.values);
    return read;
  }
}

// Enough for any realistic set of referenced records; beyond, the cache starts over.
const MAX_CACHED_REFERENCES = 100_000;

/**
 * The reference rule of the API for a whole file: a referenced record must exist inside the
 * importer's read scope (outside and missing look the same). Each id is looked up once.
 */
export class ReferenceCheck {
  private readonly repository = new CustomFieldRepository();
  private readonly visible = new Map<string, boolean>();

  constructor(
    private readonly pool: Pool,
    private readonly scope: DataScope,
  ) {}

  /** The refusals of each row by row number; rows whose references are all visible are absent. */
  async failures(rows: { rowNo: number; references: Reference[] }[]): Promise<Map<number, RowError[]>> {
    await this.lookUp(rows.flatMap((row) => row.references));
    const failed = new Map<number, RowError[]>();
    for (const { rowNo, references } of rows) {
      const invisible = references.filter((reference) => !this.visible.get(cacheKey(reference)));
      if (invisible.length > 0)
        failed.set(
          rowNo,
          invisible.map((reference) => ({
            rowNo,
            column: reference.column,
            value: reference.id,
            message: `no ${reference.target} with this id`,
          })),
        );
    }
    return failed;
  }

  private async lookUp(references: Reference[]): Promise<void> {
    if (this.visible.size > MAX_CACHED_REFERENCES) this.visible.clear();
    for (const target of ['customer', 'contact'] as const) {
      const ids = [
        ...new Set(
          references
            .filter((reference) => reference.target === target && !this.visible.has(cacheKey(reference)))
            .map((reference) => reference.id),
        ),
      ];
      if (ids.length === 0) continue;
      const found = await this.repository.visibleRecords(this.pool, target, ids, this.scope);
      for (const id of ids) this.visible.set(cacheKey({ target, id }), found.has(id));
    }
  }
}

const cacheKey = (reference: Pick<Reference, 'target' | 'id'>) => `${reference.target}:${reference.id}`;
