import type { Pool } from '@liaison/runtime';
import { BaseDataRepository, nameKey } from '../persistence/base-data-repository';
import { checksOf, type Check } from './base-data-rules';
import type { StagedRow } from './import-rows';

// The base data rule of CreateCustomer (source, industry, nature and region are names of enabled
// entries) for a whole file: the same checks, each distinct value looked up once per import.

export class BaseDataCheck {
  private readonly repository = new BaseDataRepository();
  private readonly known = new Map<string, boolean>();

  constructor(private readonly pool: Pool) {}

  /** The failed checks of each row, by row number; rows without failures are absent. */
  async failures(rows: StagedRow[]): Promise<Map<number, Check[]>> {
    const checks = rows.map((row) => ({ row, checks: checksOf(row.fields, () => true) }));
    await this.lookUp(checks.flatMap((entry) => entry.checks));
    const failed = new Map<number, Check[]>();
    for (const { row, checks: rowChecks } of checks) {
      const failing = rowChecks.filter((check) => !this.known.get(nameKey(check.lookup)));
      if (failing.length > 0) failed.set(row.rowNo, failing);
    }
    return failed;
  }

  private async lookUp(checks: Check[]): Promise<void> {
    const missing = new Map(
      checks.filter((check) => !this.known.has(nameKey(check.lookup))).map((check) => [nameKey(check.lookup), check.lookup]),
    );
    if (missing.size === 0) return;
    const client = await this.pool.connect();
    try {
      const found = await this.repository.findEnabledNames(client, [...missing.values()]);
      for (const key of missing.keys()) this.known.set(key, found.has(key));
    } finally {
      client.release();
    }
  }
}
