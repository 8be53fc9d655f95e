import type http from 'node:http';
import type { Logger } from 'pino';
import { createAdminServer, listen } from './admin-http';
import { HealthMonitor } from './health';
import { createLogger } from './logger';
import { createMetrics, type ServiceMetrics } from './metrics';

export interface ServiceHostOptions {
  name: string;
  logLevel?: string;
  shutdownTimeoutMs?: number;
}

type StopStep = { name: string; run: () => Promise<void> | void };

/**
 * What every process of the platform has: a logger, metrics, health, an admin HTTP port and an
 * orderly shutdown. Resources register a stop step as they start; SIGTERM runs the steps in
 * reverse order (so the server stops accepting before the database it uses is closed).
 */
export class ServiceHost {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: HealthMonitor;
  private readonly stopSteps: StopStep[] = [];
  private stopping?: Promise<void>;

  constructor(private readonly options: ServiceHostOptions) {
    this.logger = createLogger({ service: options.name, level: options.logLevel });
    this.metrics = createMetrics(options.name);
    this.health = new HealthMonitor(this.logger);
  }

  onStop(name: string, run: StopStep['run']): void {
    this.stopSteps.push({ name, run });
  }

  /** Serves /metrics, /healthz and /readyz; returns the bound port. */
  async startAdmin(port: number, server: http.Server = createAdminServer(this.metrics.registry, this.health)): Promise<number> {
    const bound = await listen(server, port);
    this.onStop('admin http', () => new Promise<void>((resolve) => server.close(() => resolve())));
    return bound;
  }

  installSignalHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
    const handle = (signal: string) => {
      this.logger.info({ signal }, 'shutting down');
      void this.stop().then(
        () => exit(0),
        () => exit(1),
      );
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  }

  /** Marks the service not ready, then runs every stop step, each bounded by the shutdown timeout. */
  stop(): Promise<void> {
    this.stopping ??= this.runStopSteps();
    return this.stopping;
  }

  private async runStopSteps(): Promise<void> {
    this.health.markShuttingDown();
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000;
    let failed = false;
    for (const step of [...this.stopSteps].reverse()) {
      try {
        await withTimeout(Promise.resolve(step.run()), timeoutMs, step.name);
        this.logger.info({ step: step.name }, 'stopped');
      } catch (error) {
        failed = true;
        this.logger.error({ err: error, step: step.name }, 'stop step failed');
      }
    }
    if (failed) throw new Error('shutdown incomplete');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not stop within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
