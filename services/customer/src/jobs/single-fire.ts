import type { Pool, PoolClient } from '@liaison/runtime';

// Single-fire execution of scheduled work across replicas. Every replica runs the same timer;
// before working, a replica claims the pair (job, slot) in job_runs with INSERT ... ON CONFLICT
// DO NOTHING. The primary key lets exactly one insert succeed, so exactly one replica works a
// slot, whatever the timing. A replica that dies mid-run leaves its slot unfinished (the next
// slot catches up), so jobs built on this must be idempotent: evaluate current state, not
// replay a queue.

type Queryable = Pool | PoolClient;

export interface SlotClaim {
  job: string;
  slot: string;
  /** Who claims it, for the ledger: e.g. the service instance. */
  runner: string;
}

export type SlotResult<T> = { ran: true; result: T } | { ran: false };

/** The slot of a periodic job: the start of the interval `now` falls in, as an ISO timestamp. */
export function periodSlot(now: Date, intervalMs: number): string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw new Error('intervalMs must be a positive integer');
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs).toISOString();
}

/** True for the one caller that got the slot; false for everyone else. */
export async function claimSlot(db: Queryable, claim: SlotClaim): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO job_runs (job, slot, runner) VALUES ($1, $2, $3) ON CONFLICT (job, slot) DO NOTHING',
    [claim.job, claim.slot, claim.runner],
  );
  return rowCount === 1;
}

async function finishSlot(db: Queryable, claim: SlotClaim, outcome: unknown): Promise<void> {
  await db.query(
    'UPDATE job_runs SET finished_at = now(), outcome = $3::jsonb WHERE job = $1 AND slot = $2',
    [claim.job, claim.slot, JSON.stringify(outcome ?? null)],
  );
}

/**
 * Runs `work` if this caller wins the slot, and records how it ended. The claim commits before
 * the work starts, so a second replica arriving while the first still works sees it taken.
 */
export async function runOncePerSlot<T>(pool: Pool, claim: SlotClaim, work: () => Promise<T>): Promise<SlotResult<T>> {
  if (!(await claimSlot(pool, claim))) return { ran: false };
  try {
    const result = await work();
    await finishSlot(pool, claim, { ok: true, result });
    return { ran: true, result };
  } catch (error) {
    await finishSlot(pool, claim, { ok: false, error: (error as Error).message }).catch(() => undefined);
    throw error;
  }
}

/** The database's clock, the same for every replica, so that replicas agree on the slot. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return rows[0].now;
}

/** Forgets ledger rows of a job older than the retention, so the table stays small. */
export async function pruneSlots(db: Queryable, job: string, retentionDays: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM job_runs WHERE job = $1 AND started_at < now() - make_interval(days => $2)`,
    [job, retentionDays],
  );
  return rowCount ?? 0;
}
