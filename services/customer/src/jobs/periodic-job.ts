import type { Logger, Pool } from '@liaison/runtime';
import { databaseNow, periodSlot, pruneSlots, runOncePerSlot, type SlotResult } from './single-fire';

// A job that every replica schedules and exactly one runs per interval (see single-fire.ts).
// Ticks are aligned to interval boundaries of the database clock, with a little jitter so that
// replicas do not all hit the ledger in the same millisecond.

export interface PeriodicJobOptions<T> {
  name: string;
  intervalMs: number;
  pool: Pool;
  logger: Logger;
  /** Identifies this replica in job_runs. */
  runner: string;
  work: () => Promise<T>;
  /** Ledger rows older than this are pruned after each run. */
  retentionDays?: number;
  jitterMs?: number;
}

const DEFAULT_RETENTION_DAYS = 30;
const RETRY_AFTER_ERROR_MS = 60_000;

export class PeriodicJob<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly options: PeriodicJobOptions<T>) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.scheduleNext();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One tick: claims the current slot and runs the work if this replica won it. */
  async tick(): Promise<SlotResult<T>> {
    const { name, intervalMs, pool, runner, work } = this.options;
    const slot = periodSlot(await databaseNow(pool), intervalMs);
    const outcome = await runOncePerSlot(pool, { job: name, slot, runner }, work);
    if (outcome.ran) await pruneSlots(pool, name, this.options.retentionDays ?? DEFAULT_RETENTION_DAYS);
    return outcome;
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopped) return;
    const delay = await this.delayToNextSlot().catch(() => RETRY_AFTER_ERROR_MS);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runTick(), delay);
    this.timer.unref();
  }

  private async runTick(): Promise<void> {
    const run = this.tick().then(
      (outcome) => outcome.ran && this.options.logger.info({ job: this.options.name, result: outcome.result }, 'scheduled job ran'),
      (error: unknown) => this.options.logger.error({ err: error, job: this.options.name }, 'scheduled job failed'),
    );
    this.running = run;
    await run;
    this.running = undefined;
    await this.scheduleNext();
  }

  private async delayToNextSlot(): Promise<number> {
    const { intervalMs, pool } = this.options;
    const now = (await databaseNow(pool)).getTime();
    const jitter = Math.floor(Math.random() * (this.options.jitterMs ?? Math.min(1000, intervalMs / 10)));
    return intervalMs - (now % intervalMs) + jitter;
  }
}
