import { randomUUID } from 'node:crypto';
import { can, customerScopeOf, customerWriteScopeOf, type DataScope, type Principal } from '@liaison/auth';
import { PgJobLedger, runOncePerSlot } from '@liaison/jobs';
import {
  AppError,
  checkVersion,
  inTransaction,
  isUuid,
  pageSizeOf,
  requireExpectedVersion,
  seqPageTokens,
  type Pool,
  type PoolClient,
} from '@liaison/runtime';
import { alertAcknowledged, alertRuleChanged, alertsRaised } from '../events/alert-events';
import { AlertRepository, type CustomerRange } from '../persistence/alert-repository';
import {
  alertKindOf,
  validateRuleSettings,
  type Alert,
  type AlertKind,
  type AlertRule,
  type AlertRuleKind,
  type AlertRuleSettings,
  type AlertStatus,
} from './alert';
import { careWindow, dueWithin, type CareDate } from './alert-dates';

/** The ledger name of the warning and care check, scheduled or run by hand. */
export const ALERT_JOB = 'customer-alerts';

// Use cases of warnings (CUS-12) and customer care (CUS-13): administrators keep the rules, the
// check raises alerts for customers' owners, and everyone reads and acknowledges the alerts of
// the customers in their scope.

export interface AlertCheckRun {
  rulesEvaluated: number;
  warningsRaised: number;
  careDue: number;
}

export interface AlertListQuery {
  pageSize: number;
  pageToken: string;
  kind?: AlertKind;
  ruleId?: string;
  status?: AlertStatus;
  customerId?: string;
}

export interface AlertServiceOptions {
  /** Customers per transaction of the check. */
  batchSize?: number;
}

const DEFAULT_BATCH = 2000;

function checkId(id: string, field: string, what: string): void {
  if (!isUuid(id)) throw AppError.invalid(`${what} id is not a UUID`, [{ field, message: 'must be a UUID' }]);
}

// Keyset paging, newest first by seq.
const alertPages = seqPageTokens('alerts');

// Alerts are the sales team's reminders about its own customers: partners, whose scope is the
// customers shared with them, see none.
function alertScopeOf(scope: DataScope): DataScope {
  return scope.kind === 'partner' ? { kind: 'none' } : scope;
}

// The greeting's phone and e-mail are a contact's (or the customer's) details: shown to those who
// may read contacts, as the customer's contacts would be.
function withContactDetailsFor(principal: Principal, alert: Alert): Alert {
  if (!alert.delivery || can(principal, 'contact', 'read')) return alert;
  return { ...alert, delivery: { ...alert.delivery, phone: null, email: null } };
}

export class AlertService {
  private readonly repository = new AlertRepository();
  private readonly batchSize: number;

  constructor(
    private readonly pool: Pool,
    options: AlertServiceOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
  }

  // -------------------------------------------------------------------------------------------
  // Rules

  async listRules(): Promise<AlertRule[]> {
    return this.repository.listRules(this.pool);
  }

  async getRule(principal: Principal, id: string): Promise<AlertRule> {
    checkId(id, 'id', 'rule');
    const rule = await this.repository.findRule(this.pool, id);
    if (!rule) throw AppError.notFound('alert rule');
    return rule;
  }

  async createRule(tx: PoolClient, principal: Principal, kind: AlertRuleKind | undefined, settings: AlertRuleSettings): Promise<AlertRule> {
    const valid = validateRuleSettings(kind, settings);
    const rule = await this.repository.insertRule(tx, randomUUID(), kind!, valid, principal.userId);
    await alertRuleChanged(tx, rule, 'created', principal.userId);
    return rule;
  }

  /** Every setting but the kind, which decides what the rule's past alerts mean. */
  async updateRule(
    tx: PoolClient,
    principal: Principal,
    id: string,
    settings: AlertRuleSettings,
    expectedVersion: number,
  ): Promise<AlertRule> {
    checkId(id, 'id', 'rule');
    const current = await this.lockRule(tx, id, expectedVersion);
    const valid = validateRuleSettings(current.kind, settings);
    const updated = await this.repository.updateRule(tx, id, valid, principal.userId);
    await alertRuleChanged(tx, updated, 'updated', principal.userId);
    return updated;
  }

  async deleteRule(tx: PoolClient, principal: Principal, id: string, expectedVersion: number): Promise<void> {
    checkId(id, 'id', 'rule');
    const current = await this.lockRule(tx, id, expectedVersion);
    await this.repository.deleteRule(tx, id);
    await alertRuleChanged(tx, current, 'deleted', principal.userId);
  }

  private async lockRule(tx: PoolClient, id: string, expectedVersion: number): Promise<AlertRule> {
    requireExpectedVersion(expectedVersion);
    const current = await this.repository.findRule(tx, id, true);
    if (!current) throw AppError.notFound('alert rule');
    checkVersion('the rule', current.version, expectedVersion);
    return current;
  }

  // -------------------------------------------------------------------------------------------
  // The check

  /** A slot of its own in the job ledger per call, for the record; see checkAll. */
  async runNow(principal: Principal): Promise<AlertCheckRun> {
    const slot = `manual:${new Date().toISOString()}:${randomUUID()}`;
    const outcome = await runOncePerSlot(new PgJobLedger(this.pool), { job: ALERT_JOB, slot, runner: principal.userId }, () =>
      this.checkAll(),
    );
    if (!outcome.ran) throw new AppError('internal', 'a fresh manual slot was taken');
    return outcome.result;
  }

  /**
   * Evaluates every enabled rule over all customers, one range of customers per transaction,
   * recording and emitting only alerts not raised before. Safe to run concurrently and to repeat.
   */
  async checkAll(): Promise<AlertCheckRun> {
    const rules = await this.repository.listRules(this.pool, true);
    const run: AlertCheckRun = { rulesEvaluated: rules.length, warningsRaised: 0, careDue: 0 };
    if (rules.length === 0) return run;
    const today = await this.repository.todayInChina(this.pool);
    const windows = new Map(rules.map((rule) => [rule.id, careWindowOf(rule, today)]));
    const due = rules.filter((rule) => windows.get(rule.id) !== null);
    for (
      let range = await this.repository.nextRange(this.pool, '0', this.batchSize);
      range;
      range = await this.repository.nextRange(this.pool, range.throughSeq, this.batchSize)
    ) {
      const current = range;
      const raised = await inTransaction(this.pool, (tx) => this.checkRange(tx, due, current, today, windows));
      run.warningsRaised += raised.filter((alert) => alert.kind === 'warning').length;
      run.careDue += raised.filter((alert) => alert.kind === 'care').length;
    }
    return run;
  }

  private async checkRange(
    tx: PoolClient,
    rules: AlertRule[],
    range: CustomerRange,
    today: string,
    windows: Map<string, CareDate[] | null | undefined>,
  ): Promise<Alert[]> {
    const raised: Alert[] = [];
    for (const rule of rules) {
      const alerts =
        alertKindOf(rule.kind) === 'warning'
          ? await this.repository.raiseWarnings(tx, rule, range)
          : await this.repository.raiseCare(tx, rule, range, today, windows.get(rule.id) ?? []);
      raised.push(...alerts);
    }
    await alertsRaised(tx, raised);
    return raised;
  }

  // -------------------------------------------------------------------------------------------
  // Alerts

  async list(principal: Principal, query: AlertListQuery): Promise<{ alerts: Alert[]; nextPageToken: string }> {
    if (query.ruleId) checkId(query.ruleId, 'rule_id', 'rule');
    if (query.customerId) checkId(query.customerId, 'customer_id', 'customer');
    const limit = pageSizeOf(query.pageSize);
    const afterSeq = alertPages.decode(query.pageToken);
    const alerts = await this.repository.list(this.pool, alertScopeOf(customerScopeOf(principal)), {
      ...query,
      limit: limit + 1,
      afterSeq,
    });
    const page = alerts.slice(0, limit).map((alert) => withContactDetailsFor(principal, alert));
    return { alerts: page, nextPageToken: alerts.length > limit ? alertPages.encode(page[page.length - 1].seq) : '' };
  }

  /** Acknowledging again changes nothing and emits nothing. */
  async acknowledge(tx: PoolClient, principal: Principal, id: string): Promise<Alert> {
    checkId(id, 'id', 'alert');
    const alert = await this.repository.lockInScope(tx, id, alertScopeOf(customerWriteScopeOf(principal)));
    if (!alert) throw AppError.notFound('alert');
    if (alert.status === 'acknowledged') return withContactDetailsFor(principal, alert);
    const acknowledged = await this.repository.acknowledge(tx, id, principal.userId);
    await alertAcknowledged(tx, acknowledged);
    return withContactDetailsFor(principal, acknowledged);
  }
}

/** Warnings need no window (undefined); care rules whose date is not due now get null. */
function careWindowOf(rule: AlertRule, today: string): CareDate[] | null | undefined {
  if (alertKindOf(rule.kind) === 'warning') return undefined;
  const window = careWindow(today, rule.days);
  if (rule.kind !== 'fixed_date') return window;
  const due = dueWithin(window, rule.month!, rule.day!);
  return due ? window.filter((date) => date.due === due) : null;
}
