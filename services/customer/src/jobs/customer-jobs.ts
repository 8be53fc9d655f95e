import type { JobLedger, ScheduledWork } from '@liaison/jobs';
import type { Pool } from '@liaison/runtime';
import { ALERT_JOB, type AlertCheckRun, type AlertService } from '../domain/alert-service';
import { POOL_RULE_JOB, type AssignmentService, type PoolRuleRun } from '../domain/assignment-service';
import { rescoreStaleSummaries, VALUE_RESCORE_JOB, type RescoreRun } from './value-rescore-job';

// The scheduled work of the customer service. Every replica schedules each job and one runs it
// per interval (libs/jobs); manual runs (RunPoolRuleNow, RunAlertRulesNow) claim slots of their
// own in the same ledger. Interval 0 = never on a schedule.

export interface CustomerJobSettings {
  POOL_RULE_INTERVAL_MS: number;
  ALERT_CHECK_INTERVAL_MS: number;
  VALUE_RESCORE_INTERVAL_MS: number;
}

/** The return-to-pool rule: customers without follow-up for the configured days go back to the pool. */
export function poolRuleWork(assignments: AssignmentService, intervalMs: number): ScheduledWork<PoolRuleRun> {
  return { name: POOL_RULE_JOB, intervalMs, work: () => assignments.returnDueCustomers() };
}

/** The warning and care rules; the unique key of customer_alerts keeps every alert single either way. */
export function alertCheckWork(alerts: AlertService, intervalMs: number, name = ALERT_JOB): ScheduledWork<AlertCheckRun> {
  return { name, intervalMs, work: () => alerts.checkAll() };
}

/** CUS-19: value scores age with the calendar, not only with events. */
export function valueRescoreWork(pool: Pool, intervalMs: number): ScheduledWork<RescoreRun> {
  return { name: VALUE_RESCORE_JOB, intervalMs, work: () => rescoreStaleSummaries(pool) };
}

export function customerJobs(
  deps: { pool: Pool; assignments: AssignmentService; alerts: AlertService },
  settings: CustomerJobSettings,
): ScheduledWork<unknown>[] {
  return [
    poolRuleWork(deps.assignments, settings.POOL_RULE_INTERVAL_MS),
    alertCheckWork(deps.alerts, settings.ALERT_CHECK_INTERVAL_MS),
    valueRescoreWork(deps.pool, settings.VALUE_RESCORE_INTERVAL_MS),
  ];
}

export type { JobLedger };
