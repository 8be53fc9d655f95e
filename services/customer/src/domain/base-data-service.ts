import { type Principal } from '@liaison/auth';
import { AppError, inTransaction, type FieldViolation, type Pool, type PoolClient, requireUpdateMask } from '@liaison/runtime';
import { baseDataChanged, baseDataChanges } from '../events/base-data-events';
import { BaseDataRepository } from '../persistence/base-data-repository';
import { SEED_VERSION, seedEntries } from '../seed-data/base-data';
import {
  changedEntryFields,
  checkChanges,
  checkNewEntry,
  cleanName,
  kindLabel,
  UPDATABLE_ENTRY_FIELDS,
  type BaseDataEntry,
  type BaseDataKind,
  type EntryChanges,
  type NewBaseDataEntry,
} from './base-data';
import { lineField, parseImport, type ImportLine } from './base-data-csv';

// Use cases of the base data: everyone who reads customers reads the lists, administrators
// change them. A change never strands a customer: an entry in use keeps its name and stays,
// disabled at most.

export interface RegionTree {
  province: BaseDataEntry;
  cities: BaseDataEntry[];
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  dryRun: boolean;
}

const SEED_USER = 'system:seed';

function inUse(entry: BaseDataEntry, customers: number, action: string): AppError {
  return new AppError(
    'failed_precondition',
    `${kindLabel(entry.kind)} ${entry.name} is used by ${customers} customer(s) and cannot be ${action}; disable it instead`,
    [],
    'in_use',
  );
}

export class BaseDataService {
  private readonly repository = new BaseDataRepository();

  constructor(private readonly pool: Pool) {}

  async list(principal: Principal, kind: BaseDataKind, includeDisabled: boolean, parentCode?: string): Promise<BaseDataEntry[]> {
    return this.repository.list(this.pool, kind, includeDisabled, parentCode?.trim() || undefined);
  }

  async regions(principal: Principal, includeDisabled: boolean): Promise<RegionTree[]> {
    const entries = await this.repository.listRegions(this.pool, includeDisabled);
    const trees = new Map<string, RegionTree>();
    for (const province of entries.filter((entry) => entry.kind === 'province')) trees.set(province.code, { province, cities: [] });
    for (const city of entries.filter((entry) => entry.kind === 'city')) trees.get(city.parentCode ?? '')?.cities.push(city);
    return [...trees.values()];
  }

  async create(tx: PoolClient, principal: Principal, entry: NewBaseDataEntry): Promise<BaseDataEntry> {
    checkNewEntry(entry);
    if (entry.parentCode) await this.requireProvince(tx, entry.parentCode, 'parent_code');
    const created = await this.repository.insert(tx, entry, principal.userId);
    await baseDataChanged(tx, created, 'created');
    return created;
  }

  async update(
    tx: PoolClient,
    principal: Principal,
    kind: BaseDataKind,
    code: string,
    maskPaths: string[],
    values: EntryChanges,
  ): Promise<BaseDataEntry> {
    const changes = changesOf(maskPaths, values);
    checkChanges(changes);
    const entry = await this.repository.find(tx, kind, code, true);
    if (!entry) throw AppError.notFound(kindLabel(kind));
    const changed = changedEntryFields(entry, changes);
    if (changed.length === 0) return entry;
    if (changed.includes('name')) {
      const customers = await this.repository.countCustomersUsing(tx, entry);
      if (customers > 0) throw inUse(entry, customers, 'renamed');
    }
    const updated = await this.repository.update(tx, entry, changes, principal.userId);
    await baseDataChanged(tx, updated, 'updated', changed);
    return updated;
  }

  async delete(tx: PoolClient, principal: Principal, kind: BaseDataKind, code: string): Promise<void> {
    const entry = await this.repository.find(tx, kind, code, true);
    if (!entry) throw AppError.notFound(kindLabel(kind));
    const customers = await this.repository.countCustomersUsing(tx, entry);
    if (customers > 0) throw inUse(entry, customers, 'deleted');
    if (kind === 'province' && (await this.repository.countCities(tx, code)) > 0) {
      throw new AppError('failed_precondition', `province ${entry.name} still has cities; delete or disable them first`, [], 'has_cities');
    }
    await this.repository.delete(tx, entry);
    await baseDataChanged(tx, entry, 'deleted');
  }

  /** All or nothing: any bad line and nothing is written; the error lists every bad line. */
  async import(tx: PoolClient, principal: Principal, csv: string, dryRun: boolean): Promise<ImportResult> {
    const parsed = parseImport(csv);
    if (parsed.lines.length === 0 && parsed.violations.length > 0) throw importRejected(parsed.violations);
    // The lines that parsed are checked against the data too, so that one report lists all.
    const plan = await this.planImport(tx, parsed.lines);
    const violations = [...parsed.violations, ...plan.violations];
    if (violations.length > 0) throw importRejected(violations);
    const result = { created: plan.creates.length, updated: plan.updates.length, unchanged: plan.unchanged, dryRun };
    if (dryRun) return result;
    await this.applyImport(tx, plan, principal.userId);
    return result;
  }

  /** Applies the seed of this build once per database; later starts leave the data alone. */
  async seed(): Promise<number> {
    return inTransaction(this.pool, async (tx) => {
      if (!(await this.repository.claimSeed(tx, SEED_VERSION))) return 0;
      return this.repository.insertMissing(tx, seedEntries(), SEED_USER);
    });
  }

  private async requireProvince(tx: PoolClient, code: string, field: string): Promise<BaseDataEntry> {
    const province = await this.repository.find(tx, 'province', code);
    if (!province) throw AppError.invalid('no such province', [{ field, message: `no province has the code ${code}` }]);
    return province;
  }

  private async planImport(tx: PoolClient, lines: ImportLine[]): Promise<ImportPlan> {
    // Lock the entries the file changes; everything else is only compared against.
    const locked = await this.repository.findMany(
      tx,
      lines.map(({ entry }) => entry),
      true,
    );
    const known = new KnownEntries(await this.repository.listAll(tx), lines);
    const plan: ImportPlan = { creates: [], updates: [], unchanged: 0, violations: [] };
    const lockedByKey = new Map(locked.map((entry) => [`${entry.kind}/${entry.code}`, entry]));
    for (const line of lines) {
      const current = lockedByKey.get(`${line.entry.kind}/${line.entry.code}`);
      const violations = [...known.violationsOf(line, current), ...(await this.renameViolations(tx, line, current))];
      plan.violations.push(...violations);
      if (violations.length > 0) continue;
      if (!current) plan.creates.push(line.entry);
      else if (changedEntryFields(current, changesFromLine(line)).length > 0) plan.updates.push({ line, current });
      else plan.unchanged += 1;
    }
    return plan;
  }

  private async renameViolations(
    tx: PoolClient,
    { line, entry }: ImportLine,
    current: BaseDataEntry | undefined,
  ): Promise<FieldViolation[]> {
    if (!current || current.name === entry.name) return [];
    const customers = await this.repository.countCustomersUsing(tx, current);
    return customers > 0
      ? [{ field: lineField(line, 'name'), message: `${current.name} is used by ${customers} customer(s) and cannot be renamed` }]
      : [];
  }

  private async applyImport(tx: PoolClient, plan: ImportPlan, by: string): Promise<void> {
    const created = await this.repository.insertMany(tx, plan.creates, by);
    const updated = await this.repository.updateMany(
      tx,
      plan.updates.map(({ line }) => line.entry),
      by,
    );
    const changedFieldsOf = new Map(
      plan.updates.map(({ line, current }) => [`${current.kind}/${current.code}`, changedEntryFields(current, changesFromLine(line))]),
    );
    await baseDataChanges(tx, [
      ...created.map((entry) => ({ entry, change: 'created' as const })),
      ...updated.map((entry) => ({ entry, change: 'updated' as const, changedFields: changedFieldsOf.get(`${entry.kind}/${entry.code}`) })),
    ]);
  }
}

/** The base data as it is, for checking the lines of an import against it in memory. */
class KnownEntries {
  private readonly byName = new Map<string, BaseDataEntry>();
  private readonly provinces = new Set<string>();

  constructor(entries: BaseDataEntry[], lines: ImportLine[]) {
    for (const entry of entries) {
      this.byName.set(nameKeyOf(entry), entry);
      if (entry.kind === 'province') this.provinces.add(entry.code);
    }
    for (const { entry } of lines) if (entry.kind === 'province') this.provinces.add(entry.code);
  }

  violationsOf({ line, entry }: ImportLine, current: BaseDataEntry | undefined): FieldViolation[] {
    const violations: FieldViolation[] = [];
    if (entry.parentCode && !this.provinces.has(entry.parentCode)) {
      violations.push({ field: lineField(line, 'parent_code'), message: `no province has the code ${entry.parentCode}` });
    }
    if (current && current.parentCode !== entry.parentCode) {
      violations.push({
        field: lineField(line, 'parent_code'),
        message: `the city ${current.code} belongs to the province ${current.parentCode}; a city cannot move`,
      });
    }
    const holder = this.byName.get(nameKeyOf(entry));
    if (holder && holder.code !== entry.code) {
      violations.push({
        field: lineField(line, 'name'),
        message: `the ${kindLabel(entry.kind)} ${holder.code} already has the name ${entry.name}`,
      });
    }
    return violations;
  }
}

function nameKeyOf(entry: Pick<BaseDataEntry, 'kind' | 'parentCode' | 'name'>): string {
  return `${entry.kind}/${entry.parentCode ?? ''}/${entry.name}`;
}

interface ImportPlan {
  creates: NewBaseDataEntry[];
  updates: { line: ImportLine; current: BaseDataEntry }[];
  unchanged: number;
  violations: FieldViolation[];
}

function changesFromLine({ entry }: ImportLine): EntryChanges {
  return { name: entry.name, nameEn: entry.nameEn, sortOrder: entry.sortOrder };
}

const lineOf = (violation: FieldViolation) => Number(/^lines\[(\d+)\]/.exec(violation.field)?.[1] ?? 0);

function importRejected(violations: FieldViolation[]): AppError {
  const lines = new Set(violations.map(lineOf).filter((line) => line > 0));
  const where = lines.size > 0 ? `${lines.size} line(s) are invalid` : 'the file is invalid';
  return AppError.invalid(
    `nothing was imported: ${where}`,
    [...violations].sort((a, b) => lineOf(a) - lineOf(b)),
  );
}

function changesOf(maskPaths: string[], values: EntryChanges): EntryChanges {
  const changes: EntryChanges = {};
  for (const path of requireUpdateMask(maskPaths, UPDATABLE_ENTRY_FIELDS)) {
    const field = UPDATABLE_ENTRY_FIELDS[path];
    const value = values[field];
    Object.assign(changes, { [field]: field === 'name' || field === 'nameEn' ? cleanName(value as string | null) : value });
  }
  return changes;
}
