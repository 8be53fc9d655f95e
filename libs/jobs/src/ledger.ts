// Single-fire execution of scheduled work across replicas. Every replica runs the same timer;
// before working, a replica claims the pair (job, slot) in the ledger. A unique key lets exactly
// one claim succeed, so exactly one replica works a slot, whatever the timing. A replica that
// dies mid-run leaves its slot unfinished (the next slot catches up), so jobs built on this must
// be idempotent: evaluate current state, not replay a queue.

export interface SlotClaim {
  job: string;
  slot: string;
  /** Who claims it, for the ledger: e.g. the service instance. */
  runner: string;
}

/** Where claims are recorded: a table in PostgreSQL services, a collection in MongoDB ones. */
export interface JobLedger {
  /** The database's clock, the same for every replica, so that replicas agree on the slot. */
  now(): Promise<Date>;
  /** True for the one caller that got the slot; false for everyone else. */
  claim(claim: SlotClaim): Promise<boolean>;
  /** Records how a claimed slot ended. */
  finish(claim: SlotClaim, outcome: SlotOutcome): Promise<void>;
  /** Forgets the job's claims older than the retention, so the ledger stays small. */
  prune(job: string, retentionDays: number): Promise<number>;
}

export type SlotOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export type SlotResult<T> = { ran: true; result: T } | { ran: false };

/** The slot of a periodic job: the start of the interval `now` falls in, as an ISO timestamp. */
export function periodSlot(now: Date, intervalMs: number): string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw new Error('intervalMs must be a positive integer');
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs).toISOString();
}

/**
 * Runs `work` if this caller wins the slot, and records how it ended. The claim is stored before
 * the work starts, so a second replica arriving while the first still works sees it taken.
 */
export async function runOncePerSlot<T>(ledger: JobLedger, claim: SlotClaim, work: () => Promise<T>): Promise<SlotResult<T>> {
  if (!(await ledger.claim(claim))) return { ran: false };
  try {
    const result = await work();
    await ledger.finish(claim, { ok: true, result: result ?? null });
    return { ran: true, result };
  } catch (error) {
    await ledger.finish(claim, { ok: false, error: (error as Error).message }).catch(() => undefined);
    throw error;
  }
}
