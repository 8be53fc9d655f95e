import path from 'node:path';
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
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

/** Client streaming: the messages arrive as an async iterable, pulled (so with backpressure). */
export type ClientStreamHandler<Req, Res, P> = (requests: AsyncIterable<Req>, ctx: CallContext<P>) => Promise<Res>;

/** Server streaming: `send` resolves once the message is buffered below the high-water mark. */
export type ServerStreamHandler<Req, Res, P> = (request: Req, ctx: CallContext<P>, send: (response: Res) => Promise<void>) => Promise<void>;

/** Resolves a bearer token to the caller; throws AppError('unauthenticated') when it cannot. */
export type Authenticate<P> = (token: string) => Promise<P>;

type HandlerOf<Req, Res, P, RequestStream, ResponseStream> = RequestStream extends true
  ? ResponseStream extends true
    ? never
    : ClientStreamHandler<Req, Res, P>
  : ResponseStream extends true
    ? ServerStreamHandler<Req, Res, P>
    : UnaryHandler<Req, Res, P>;

type HandlersOf<S extends ServiceDefinition, P> = {
  [M in keyof S]: S[M] extends {
    requestDeserialize: (b: Buffer) => infer Req;
    responseSerialize: (r: infer Res) => Buffer;
    requestStream: infer RS;
    responseStream: infer SS;
  }
    ? HandlerOf<Req, Res, P, RS, SS>
    : never;
};

type AnyHandler<P> =
  UnaryHandler<unknown, unknown, P> | ClientStreamHandler<unknown, unknown, P> | ServerStreamHandler<unknown, unknown, P>;

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
    this.healthService = new HealthImplementation({ '': 'NOT_SERVING', 'liveness': 'SERVING' });
    this.healthService.addToServer(this.server);
    options.health.onChange((report) => this.publishHealth(report));
  }

  addService<S extends ServiceDefinition>(definition: S, handlers: HandlersOf<S, P>): this {
    const implementation: UntypedServiceImplementation = {};
    let fullName = '';
    for (const [method, spec] of Object.entries(definition)) {
      const [, serviceName, rpcName] = spec.path.split('/');
      fullName = serviceName;
      implementation[method] = this.wrapAny(serviceName, rpcName, spec, handlers[method as keyof S] as AnyHandler<P>);
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

  private wrapAny(service: string, method: string, spec: { requestStream: boolean; responseStream: boolean }, handler: AnyHandler<P>) {
    if (spec.requestStream && spec.responseStream) throw new Error(`${service}/${method}: bidirectional streaming is not supported`);
    if (spec.requestStream) return this.wrapClientStream(service, method, handler as ClientStreamHandler<unknown, unknown, P>);
    if (spec.responseStream) return this.wrapServerStream(service, method, handler as ServerStreamHandler<unknown, unknown, P>);
    return this.wrap(service, method, handler as UnaryHandler<unknown, unknown, P>);
  }

  private async callContext(
    call: { metadata: Metadata; getDeadline(): Date | number },
    service: string,
    method: string,
  ): Promise<CallContext<P>> {
    const token = bearerToken(call.metadata);
    const principal = await this.options.authenticate(token);
    const deadline = call.getDeadline();
    return {
      principal,
      token,
      metadata: call.metadata,
      logger: this.options.logger.child({ rpc: `${service}/${method}` }),
      deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    };
  }

  // The same chain for every kind of call: metrics around, authentication first, errors mapped.
  private async observe(
    service: string,
    method: string,
    run: () => Promise<void>,
    fail: (error: ReturnType<typeof toGrpcError>) => void,
  ): Promise<void> {
    const { metrics, logger } = this.options;
    const stopTimer = metrics.grpcDuration.startTimer({ service, method });
    let code = GrpcStatus.OK;
    try {
      await run();
    } catch (error) {
      const grpcError = toGrpcError(error);
      code = grpcError.code;
      if (code === GrpcStatus.INTERNAL) logger.error({ err: error, rpc: `${service}/${method}` }, 'handler failed');
      fail(grpcError);
    } finally {
      const labels = { service, method, code: GrpcStatus[code] };
      metrics.grpcHandled.inc(labels);
      stopTimer({ code: GrpcStatus[code] });
    }
  }

  private wrap(service: string, method: string, handler: UnaryHandler<unknown, unknown, P>) {
    return async (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      await this.observe(
        service,
        method,
        async () => {
          const ctx = await this.callContext(call, service, method);
          callback(null, await handler(call.request, ctx));
        },
        (error) => callback(error),
      );
    };
  }

  private wrapClientStream(service: string, method: string, handler: ClientStreamHandler<unknown, unknown, P>) {
    return async (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      await this.observe(
        service,
        method,
        async () => {
          const ctx = await this.callContext(call, service, method);
          callback(null, await handler(call, ctx));
        },
        (error) => callback(error),
      );
    };
  }

  private wrapServerStream(service: string, method: string, handler: ServerStreamHandler<unknown, unknown, P>) {
    return async (call: ServerWritableStream<unknown, unknown>) => {
      await this.observe(
        service,
        method,
        async () => {
          const ctx = await this.callContext(call, service, method);
          await handler(call.request, ctx, (response) => writeWithBackpressure(call, response));
          call.end();
        },
        (error) => call.emit('error', error),
      );
    };
  }
}

// A cancelled call rejects, so that a producer stops instead of filling a dead stream.
function writeWithBackpressure(call: ServerWritableStream<unknown, unknown>, message: unknown): Promise<void> {
  if (call.cancelled || call.destroyed) return Promise.reject(new AppError('unavailable', 'the client cancelled the call'));
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      call.off('cancelled', onCancel);
      resolve();
    };
    const onCancel = () => {
      call.off('drain', onDrain);
      reject(new AppError('unavailable', 'the client cancelled the call'));
    };
    call.once('drain', onDrain);
    call.once('cancelled', onCancel);
  });
}

function bearerToken(metadata: Metadata): string {
  const header = metadata.get('authorization')[0];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new AppError('unauthenticated', 'missing bearer token');
  return match[1];
}
