import type { Migration, Queryable } from '@liaison/runtime';
import type { JobLedger, SlotClaim, SlotOutcome } from './ledger';

export const JOBS_MIGRATION_SCOPE = 'jobs';

/**
 * The ledger table, created next to the service's data with the platform's migration runner.
 * IF NOT EXISTS: the customer service's databases made before the ledger moved to this library
 * already have it, from that service's own migration 0020.
 */
export const jobsMigrations: Migration[] = [
  {
    version: 1,
    name: 'job_runs',
    sql: `
CREATE TABLE IF NOT EXISTS job_runs (
  job         text NOT NULL,
  slot        text NOT NULL,
  runner      text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     jsonb,
  PRIMARY KEY (job, slot)
);
CREATE INDEX IF NOT EXISTS job_runs_started ON job_runs (job, started_at);
`,
  },
];

/** The ledger in the job_runs table: INSERT … ON CONFLICT DO NOTHING lets one claim win. */
export class PgJobLedger implements JobLedger {
  constructor(private readonly db: Queryable) {}

  async now(): Promise<Date> {
    return databaseNow(this.db);
  }

  async claim(claim: SlotClaim): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO job_runs (job, slot, runner) VALUES ($1, $2, $3) ON CONFLICT (job, slot) DO NOTHING',
      [claim.job, claim.slot, claim.runner],
    );
    return rowCount === 1;
  }

  async finish(claim: SlotClaim, outcome: SlotOutcome): Promise<void> {
    await this.db.query('UPDATE job_runs SET finished_at = now(), outcome = $3::jsonb WHERE job = $1 AND slot = $2', [
      claim.job,
      claim.slot,
      JSON.stringify(outcome),
    ]);
  }

  async prune(job: string, retentionDays: number): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM job_runs WHERE job = $1 AND started_at < now() - make_interval(days => $2)', [
      job,
      retentionDays,
    ]);
    return rowCount ?? 0;
  }
}

/** The database's clock, for work that must agree across replicas on what "today" is. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return rows[0].now;
}
