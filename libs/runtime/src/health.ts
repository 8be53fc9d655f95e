import type { Logger } from 'pino';

// Readiness reflects the real dependencies: each check is probed on an interval (not per
// request, so a flood of probes cannot hammer the database) and the combined result feeds
// both /readyz and grpc.health.v1.

export type HealthCheck = () => Promise<void>;

export interface CheckResult {
  ok: boolean;
  /** Whether readiness depends on it; a non-critical dependency (Kafka behind an outbox) only degrades. */
  critical: boolean;
  error?: string;
}

export interface HealthReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export class HealthMonitor {
  private readonly checks = new Map<string, { check: HealthCheck; critical: boolean }>();
  private report: HealthReport = { ready: false, checks: {} };
  private timer?: NodeJS.Timeout;
  private readonly listeners: ((report: HealthReport) => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 2000,
    private readonly timeoutMs = 1500,
  ) {}

  add(name: string, check: HealthCheck, options: { critical?: boolean } = {}): this {
    this.checks.set(name, { check, critical: options.critical ?? true });
    return this;
  }

  /** Called with every new report whose readiness or any check's state differs from the last. */
  onChange(listener: (report: HealthReport) => void): void {
    this.listeners.push(listener);
  }

  current(): HealthReport {
    return this.report;
  }

  async start(): Promise<HealthReport> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
    return this.report;
  }

  /** Called first on shutdown so load balancers stop routing here while in-flight work drains. */
  markShuttingDown(): void {
    this.shuttingDown = true;
    if (this.timer) clearInterval(this.timer);
    this.publish({ ready: false, checks: { ...this.report.checks, shutdown: { ok: false, critical: true, error: 'shutting down' } } });
  }

  async probe(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, { check, critical }]) => [name, { critical, ...(await this.runCheck(check)) }] as const),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.ok || !result.critical);
    if (!this.shuttingDown) this.publish({ ready, checks });
    return this.report;
  }

  private async runCheck(check: HealthCheck): Promise<{ ok: boolean; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), this.timeoutMs);
        }),
      ]);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  private publish(report: HealthReport): void {
    const changed = summary(report) !== summary(this.report);
    this.report = report;
    if (!changed) return;
    this.logger.info({ checks: report.checks }, report.ready ? 'ready' : 'not ready');
    for (const listener of this.listeners) listener(report);
  }
}

function summary(report: HealthReport): string {
  return `${report.ready}:${Object.entries(report.checks)
    .map(([name, check]) => `${name}=${check.ok}`)
    .join(',')}`;
}
