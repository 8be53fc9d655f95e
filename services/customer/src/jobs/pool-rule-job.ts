import os from 'node:os';
import type { Pool, ServiceHost } from '@liaison/runtime';
import type { AssignmentService, PoolRuleRun } from '../domain/assignment-service';
import { PeriodicJob } from './periodic-job';

// The scheduled evaluation of the return-to-pool rule: every replica schedules it, one runs
// each interval. Manual runs (RunPoolRuleNow) use the same ledger under slots of their own.

export const POOL_RULE_JOB = 'pool-rule';

export function runnerName(service: string): string {
  return `${service}@${os.hostname()}:${process.pid}`;
}

export interface PoolRuleJobOptions {
  pool: Pool;
  service: AssignmentService;
  intervalMs: number;
  runner: string;
  logger: ServiceHost['logger'];
}

export function poolRuleJob(options: PoolRuleJobOptions): PeriodicJob<PoolRuleRun> {
  return new PeriodicJob({ name: POOL_RULE_JOB, work: () => options.service.returnDueCustomers(), ...options });
}

/** Schedules the job in a running service (interval 0 = not scheduled) and stops it on shutdown. */
export function startPoolRuleJob(host: ServiceHost, options: Omit<PoolRuleJobOptions, 'logger' | 'runner'> & { serviceName: string }): void {
  if (options.intervalMs <= 0) return;
  const job = poolRuleJob({ ...options, logger: host.logger, runner: runnerName(options.serviceName) });
  job.start();
  host.onStop('pool rule job', () => job.stop());
}
