import path from 'node:path';
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServerUnaryCall,
  type sendUnaryData,
  type UntypedServiceImplementation,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import { AppError, toGrpcError } from './errors';
import type { HealthMonitor, HealthReport } from './health';
import type { ServiceMetrics } from './metrics';

export interface CallContext<P> {
  principal: P;
  /** The caller's bearer token, forwarded on calls this handler makes to other services. */
  token: string;
  metadata: Metadata;
  logger: Logger;
  deadline?: Date;
}

export type UnaryHandler<Req, Res, P> = (request: Req, ctx: CallContext<P>) => Promise<Res>;

/** Resolves a bearer token to the caller; throws AppError('unauthenticated') when it cannot. */
export type Authenticate<P> = (token: string) => Promise<P>;

type HandlersOf<S extends ServiceDefinition, P> = {
  [M in keyof S]: S[M] extends { requestDeserialize: (b: Buffer) => infer Req; responseSerialize: (r: infer Res) => Buffer }
    ? UnaryHandler<Req, Res, P>
    : never;
};

export interface GrpcServerOptions<P> {
  logger: Logger;
  metrics: ServiceMetrics;
  health: HealthMonitor;
  authenticate: Authenticate<P>;
  /** Proto files (relative to protoRoot) served by server reflection. */
  reflectionFiles?: string[];
  protoRoot?: string;
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * A grpc-js server with the platform's interceptor chain around every unary handler:
 * metrics → authentication → handler → error mapping. grpc.health.v1 and reflection are
 * added unauthenticated, as probes and tooling expect.
 */
export class GrpcServer<P> {
  readonly server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  private readonly healthService: HealthImplementation;
  private readonly serviceNames: string[] = [];

  constructor(private readonly options: GrpcServerOptions<P>) {
    // `liveness` is for liveness probes: the process answers, whatever its dependencies do.
    this.healthService = new HealthImplementation({ '': 'NOT_SERVING', liveness: 'SERVING' });
    this.healthService.addToServer(this.server);
    options.health.onChange((report) => this.publishHealth(report));
  }

  addService<S extends ServiceDefinition>(definition: S, handlers: HandlersOf<S, P>): this {
    const implementation: UntypedServiceImplementation = {};
    let fullName = '';
    for (const [method, spec] of Object.entries(definition)) {
      const [, serviceName, rpcName] = spec.path.split('/');
      fullName = serviceName;
      implementation[method] = this.wrap(serviceName, rpcName, handlers[method as keyof S] as UnaryHandler<unknown, unknown, P>);
    }
    this.server.addService(definition, implementation);
    this.serviceNames.push(fullName);
    this.healthService.setStatus(fullName, 'NOT_SERVING');
    return this;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    this.addReflection();
    const bound = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) =>
        error ? reject(error) : resolve(actual),
      );
    });
    this.publishHealth(this.options.health.current());
    return bound;
  }

  /** Stops accepting calls, lets in-flight ones finish for up to graceMs, then cuts the rest. */
  async shutdown(graceMs: number): Promise<void> {
    this.setServing(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // '' and each service follow overall readiness (what probes ask); `dependency/<name>` entries
  // expose every dependency check on its own, including the non-critical ones.
  private publishHealth(report: HealthReport): void {
    this.setServing(report.ready);
    for (const [name, check] of Object.entries(report.checks)) {
      this.healthService.setStatus(`dependency/${name}`, check.ok ? 'SERVING' : 'NOT_SERVING');
    }
  }

  private setServing(ready: boolean): void {
    const status = ready ? 'SERVING' : 'NOT_SERVING';
    this.healthService.setStatus('', status);
    for (const name of this.serviceNames) this.healthService.setStatus(name, status);
  }

  private addReflection(): void {
    const { reflectionFiles, protoRoot } = this.options;
    if (!reflectionFiles?.length) return;
    const root = protoRoot ?? path.resolve(__dirname, '../../../proto');
    const definition = loadSync(reflectionFiles, { includeDirs: [root] });
    new ReflectionService(definition).addToServer(this.server);
  }

  private wrap(service: string, method: string, handler: UnaryHandler<unknown, unknown, P>) {
    const { metrics, logger, authenticate } = this.options;
    return async (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const stopTimer = metrics.grpcDuration.startTimer({ service, method });
      let code = GrpcStatus.OK;
      try {
        const token = bearerToken(call.metadata);
        const principal = await authenticate(token);
        const deadline = call.getDeadline();
        const ctx: CallContext<P> = {
          principal,
          token,
          metadata: call.metadata,
          logger: logger.child({ rpc: `${service}/${method}` }),
          deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
        };
        callback(null, await handler(call.request, ctx));
      } catch (error) {
        const grpcError = toGrpcError(error);
        code = grpcError.code;
        if (code === GrpcStatus.INTERNAL) logger.error({ err: error, rpc: `${service}/${method}` }, 'handler failed');
        callback(grpcError);
      } finally {
        const labels = { service, method, code: GrpcStatus[code] };
        metrics.grpcHandled.inc(labels);
        stopTimer({ code: GrpcStatus[code] });
      }
    };
  }
}

function bearerToken(metadata: Metadata): string {
  const header = metadata.get('authorization')[0];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new AppError('unauthenticated', 'missing bearer token');
  return match[1];
}
