import os from 'node:os';
import type { Logger, ServiceHost } from '@liaison/runtime';
import { periodSlot, runOncePerSlot, type JobLedger, type SlotResult } from './ledger';

// A job that every replica schedules and exactly one runs per interval (see ledger.ts). Ticks
// are aligned to interval boundaries of the database clock, with a little jitter so that
// replicas do not all hit the ledger in the same millisecond.

export interface PeriodicJobOptions<T> {
  name: string;
  intervalMs: number;
  ledger: JobLedger;
  logger: Logger;
  /** Identifies this replica in the ledger. */
  runner: string;
  work: () => Promise<T>;
  /** Ledger entries older than this are pruned after each run. */
  retentionDays?: number;
  jitterMs?: number;
}

const DEFAULT_RETENTION_DAYS = 30;
const RETRY_AFTER_ERROR_MS = 60_000;

/** This process as a runner in the ledger: service, host and pid. */
export function runnerName(service: string): string {
  return `${service}@${os.hostname()}:${process.pid}`;
}

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
    const { name, intervalMs, ledger, runner, work } = this.options;
    const slot = periodSlot(await ledger.now(), intervalMs);
    const outcome = await runOncePerSlot(ledger, { job: name, slot, runner }, work);
    if (outcome.ran) await ledger.prune(name, this.options.retentionDays ?? DEFAULT_RETENTION_DAYS);
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
    const { logger, name } = this.options;
    const run = this.tick().then(
      (outcome) => outcome.ran && logger.info({ job: name, result: outcome.result }, 'scheduled job ran'),
      (error: unknown) => logger.error({ err: error, job: name }, 'scheduled job failed'),
    );
    this.running = run;
    await run;
    this.running = undefined;
    await this.scheduleNext();
  }

  private async delayToNextSlot(): Promise<number> {
    const { intervalMs, ledger } = this.options;
    const now = (await ledger.now()).getTime();
    const jitter = Math.floor(Math.random() * (this.options.jitterMs ?? Math.min(1000, intervalMs / 10)));
    return intervalMs - (now % intervalMs) + jitter;
  }
}

export interface ScheduledWork<T> {
  name: string;
  /** 0 = never on a schedule (a manual run through the API still works). */
  intervalMs: number;
  work: () => Promise<T>;
}

/** Schedules a job in a running service and stops it on shutdown; interval 0 schedules nothing. */
export function schedule<T>(host: ServiceHost, ledger: JobLedger, serviceName: string, job: ScheduledWork<T>): PeriodicJob<T> | undefined {
  if (job.intervalMs <= 0) return undefined;
  const periodic = new PeriodicJob({ ...job, ledger, logger: host.logger, runner: runnerName(serviceName) });
  periodic.start();
  host.onStop(`${job.name} job`, () => periodic.stop());
  return periodic;
}
