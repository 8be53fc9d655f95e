import { databaseNow } from '@liaison/jobs';
import { inTransaction, type Pool } from '@liaison/runtime';
import { rescoreSummary } from '../projections/customer-projection';

// CUS-19 periodic rescore. Value scores are computed when an event arrives, but recency and the
// 12-month windows depend on the date: without this job a customer who stopped buying a year ago
// would keep the grade of its last order. Scores count whole days, so a summary computed today
// (China time) is current; every older one is rescored, in batches of one transaction each. An
// hourly schedule thus does the work once a day, soon after midnight. SKIP LOCKED lets a
// projection event (or another run) hold a row without blocking the batch, and a row it
// refreshed is no longer stale.

export const VALUE_RESCORE_JOB = 'value-rescore';
const BATCH = 500;

export interface RescoreRun {
  rescored: number;
  gradeChanges: number;
}

export async function rescoreStaleSummaries(pool: Pool, batchSize = BATCH): Promise<RescoreRun> {
  const staleBefore = await startOfTodayInChina(pool);
  const run: RescoreRun = { rescored: 0, gradeChanges: 0 };
  for (;;) {
    const batch = await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ customer_id: string }>(
        `SELECT customer_id FROM customer_summary WHERE computed_at < $1
         ORDER BY computed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [staleBefore, batchSize],
      );
      const now = await databaseNow(tx);
      for (const { customer_id: customerId } of rows) {
        const outcome = await rescoreSummary(tx, customerId, now);
        if (outcome?.gradeChanged) run.gradeChanges += 1;
      }
      return rows.length;
    });
    run.rescored += batch;
    if (batch < batchSize) return run;
  }
}

async function startOfTodayInChina(pool: Pool): Promise<Date> {
  const { rows } = await pool.query<{ start: Date }>(
    `SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS start`,
  );
  return rows[0].start;
}
