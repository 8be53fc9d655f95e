import type { Pool, ServiceHost } from '@liaison/runtime';
import type { AlertCheckRun, AlertService } from '../domain/alert-service';
import { PeriodicJob } from './periodic-job';
import { runnerName } from './pool-rule-job';

// The scheduled check of the warning and care rules: every replica schedules it, one runs each
// interval. Manual runs (RunAlertRulesNow) use the same ledger under slots of their own. Either
// way the unique key of customer_alerts keeps every alert single.

export const ALERT_JOB = 'customer-alerts';

export interface AlertJobOptions {
  /** The ledger's job name; ALERT_JOB unless a test needs a ledger of its own. */
  name?: string;
  pool: Pool;
  service: AlertService;
  intervalMs: number;
  runner: string;
  logger: ServiceHost['logger'];
}

export function alertJob(options: AlertJobOptions): PeriodicJob<AlertCheckRun> {
  return new PeriodicJob({ ...options, name: options.name ?? ALERT_JOB, work: () => options.service.checkAll() });
}

/** Schedules the check in a running service (interval 0 = not scheduled) and stops it on shutdown. */
export function startAlertJob(host: ServiceHost, options: Omit<AlertJobOptions, 'logger' | 'runner'> & { serviceName: string }): void {
  if (options.intervalMs <= 0) return;
  const job = alertJob({ ...options, logger: host.logger, runner: runnerName(options.serviceName) });
  job.start();
  host.onStop('alert job', () => job.stop());
}
