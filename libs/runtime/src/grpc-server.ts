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
import { context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { AppError, toGrpcError } from './errors';
import type { HealthMonitor, HealthReport } from './health';
import type { ServiceMetrics } from './metrics';
import { rpcServerSpan } from './tracing';

export interface CallContext<P, Tx = never> {
  principal: P;
  /** The caller's bearer token, forwarded on calls this handler makes to other services. */
  token: string;
  metadata: Metadata;
  logger: Logger;
  deadline?: Date;
  /** The RPC's transaction; only RPCs declared `transaction: true` have one (others throw on access). */
  tx: Tx;
}

export type UnaryHandler<Req, Res, P, Tx = never> = (request: Req, ctx: CallContext<P, Tx>) => Promise<Res>;

/** Client streaming: the messages arrive as an async iterable, pulled (so with backpressure). */
export type ClientStreamHandler<Req, Res, P, Tx = never> = (requests: AsyncIterable<Req>, ctx: CallContext<P, Tx>) => Promise<Res>;

/** Server streaming: `send` resolves once the message is buffered below the high-water mark. */
export type ServerStreamHandler<Req, Res, P, Tx = never> = (
  request: Req,
  ctx: CallContext<P, Tx>,
  send: (response: Res) => Promise<void>,
) => Promise<void>;

/**
 * What an RPC requires, declared once where it is registered; the server's pipeline enforces it
 * around the handler (like a pipeline behaviour), so use cases do not repeat it.
 */
export interface RpcPolicy<Perm> {
  /**
   * The permission the caller must hold, checked before the handler runs. 'authenticated' admits
   * any verified caller: only for RPCs whose use case decides from the input which permission
   * applies (it then checks it itself).
   */
  permission: Perm | 'authenticated';
  /** Runs the handler in one transaction (ctx.tx): committed when it returns, rolled back when it throws. */
  transaction?: boolean;
}

/** Every RPC of a service with its policy: a method without one does not compile. */
export type RpcPolicies<S, Perm> = { [M in keyof S]: RpcPolicy<Perm> };

/** Resolves a bearer token to the caller; throws AppError('unauthenticated') when it cannot. */
export type Authenticate<P> = (token: string) => Promise<P>;

type HandlerOf<Req, Res, P, Tx, RequestStream, ResponseStream> = RequestStream extends true
  ? ResponseStream extends true
    ? never
    : ClientStreamHandler<Req, Res, P, Tx>
  : ResponseStream extends true
    ? ServerStreamHandler<Req, Res, P, Tx>
    : UnaryHandler<Req, Res, P, Tx>;

export type HandlersOf<S extends ServiceDefinition, P, Tx = never> = {
  [M in keyof S]: S[M] extends {
    requestDeserialize: (b: Buffer) => infer Req;
    responseSerialize: (r: infer Res) => Buffer;
    requestStream: infer RS;
    responseStream: infer SS;
  }
    ? HandlerOf<Req, Res, P, Tx, RS, SS>
    : never;
};

type AnyHandler<P, Tx> =
  UnaryHandler<unknown, unknown, P, Tx> | ClientStreamHandler<unknown, unknown, P, Tx> | ServerStreamHandler<unknown, unknown, P, Tx>;

/** Runs work in one transaction: commit when it resolves, rollback when it rejects. */
export type UnitOfWork<Tx> = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

export interface GrpcServerOptions<P, Perm = never, Tx = never> {
  logger: Logger;
  metrics: ServiceMetrics;
  health: HealthMonitor;
  authenticate: Authenticate<P>;
  /** Throws (e.g. AuthError('forbidden')) unless the principal holds the permission an RPC declares. */
  authorize?: (principal: P, permission: Perm) => void;
  /** Opens the transaction of RPCs declared `transaction: true`. */
  unitOfWork?: UnitOfWork<Tx>;
  /** Proto files (relative to protoRoot) served by server reflection. */
  reflectionFiles?: string[];
  protoRoot?: string;
}

interface RpcRoute<Perm> {
  service: string;
  method: string;
  policy: RpcPolicy<Perm>;
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * A grpc-js server with the platform's pipeline around every handler: metrics → authentication
 * → the RPC's declared permission → its transaction → handler → error mapping. grpc.health.v1
 * and reflection are added unauthenticated, as probes and tooling expect.
 */
export class GrpcServer<P, Perm = never, Tx = never> {
  readonly server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  private readonly healthService: HealthImplementation;
  private readonly serviceNames: string[] = [];

  constructor(private readonly options: GrpcServerOptions<P, Perm, Tx>) {
    // `liveness` is for liveness probes: the process answers, whatever its dependencies do.
    this.healthService = new HealthImplementation({ '': 'NOT_SERVING', 'liveness': 'SERVING' });
    this.healthService.addToServer(this.server);
    options.health.onChange((report) => this.publishHealth(report));
  }

  /** Registers a service: its handlers, and each RPC's permission and transaction. */
  addService<S extends ServiceDefinition>(definition: S, handlers: HandlersOf<S, P, Tx>, policies: RpcPolicies<S, Perm>): this {
    const implementation: UntypedServiceImplementation = {};
    let fullName = '';
    for (const [method, spec] of Object.entries(definition)) {
      const [, serviceName, rpcName] = spec.path.split('/');
      fullName = serviceName;
      const route = {
        service: serviceName,
        method: rpcName,
        policy: this.checkedPolicy(serviceName, rpcName, spec, policies[method as keyof S]),
      };
      implementation[method] = this.wrapAny(route, spec, handlers[method as keyof S] as AnyHandler<P, Tx>);
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

  // A policy that cannot be enforced is a wiring mistake, refused when the service starts.
  private checkedPolicy(
    service: string,
    method: string,
    spec: { requestStream: boolean; responseStream: boolean },
    policy: RpcPolicy<Perm> | undefined,
  ): RpcPolicy<Perm> {
    const rpc = `${service}/${method}`;
    if (!policy) throw new Error(`${rpc} has no policy: declare its permission and transaction`);
    if (policy.permission !== 'authenticated' && !this.options.authorize)
      throw new Error(`${rpc} declares a permission but the server has no authorize`);
    if (policy.transaction && !this.options.unitOfWork) throw new Error(`${rpc} declares a transaction but the server has no unitOfWork`);
    if (policy.transaction && (spec.requestStream || spec.responseStream))
      throw new Error(`${rpc}: streaming RPCs run no declared transaction`);
    return policy;
  }

  private wrapAny(route: RpcRoute<Perm>, spec: { requestStream: boolean; responseStream: boolean }, handler: AnyHandler<P, Tx>) {
    if (spec.requestStream && spec.responseStream)
      throw new Error(`${route.service}/${route.method}: bidirectional streaming is not supported`);
    if (spec.requestStream) return this.wrapClientStream(route, handler as ClientStreamHandler<unknown, unknown, P, Tx>);
    if (spec.responseStream) return this.wrapServerStream(route, handler as ServerStreamHandler<unknown, unknown, P, Tx>);
    return this.wrap(route, handler as UnaryHandler<unknown, unknown, P, Tx>);
  }

  /** Authenticates the caller and checks the RPC's permission. */
  private async callContext(
    call: { metadata: Metadata; getDeadline(): Date | number },
    route: RpcRoute<Perm>,
  ): Promise<CallContext<P, Tx>> {
    const token = bearerToken(call.metadata);
    const principal = await this.options.authenticate(token);
    if (route.policy.permission !== 'authenticated') this.options.authorize!(principal, route.policy.permission);
    const deadline = call.getDeadline();
    const rpc = `${route.service}/${route.method}`;
    const base = this.options.logger;
    let logger: Logger | undefined;
    const context = {
      principal,
      token,
      metadata: call.metadata,
      deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    };
    // The RPC's logger is made when a handler first logs: most calls never do.
    return Object.defineProperties(context, {
      logger: { get: () => (logger ??= base.child({ rpc })), enumerable: true },
      tx: {
        get() {
          throw new Error(`${rpc} uses ctx.tx but is not declared transaction: true`);
        },
      },
    }) as CallContext<P, Tx>;
  }

  /** Runs a unary handler, inside the RPC's transaction when it declares one. */
  private run<Res>(route: RpcRoute<Perm>, ctx: CallContext<P, Tx>, handler: (ctx: CallContext<P, Tx>) => Promise<Res>): Promise<Res> {
    if (!route.policy.transaction) return handler(ctx);
    const { principal, token, metadata, deadline } = ctx;
    return this.options.unitOfWork!((tx) =>
      handler({
        principal,
        token,
        metadata,
        deadline,
        tx,
        get logger() {
          return ctx.logger;
        },
      }),
    );
  }

  // The same chain for every kind of call: a span and metrics around, authentication first,
  // errors mapped.
  private async observe(
    { service, method }: RpcRoute<Perm>,
    metadata: Metadata,
    run: () => Promise<void>,
    fail: (error: ReturnType<typeof toGrpcError>) => void,
  ): Promise<void> {
    const { metrics, logger } = this.options;
    const stopTimer = metrics.grpcDuration.startTimer({ service, method });
    const span = rpcServerSpan(`/${service}/${method}`, metadata);
    let code = GrpcStatus.OK;
    let details: string | undefined;
    try {
      await context.with(span.context, run);
    } catch (error) {
      const grpcError = toGrpcError(error);
      ({ code, details } = grpcError);
      if (code === GrpcStatus.INTERNAL) logger.error({ err: error, rpc: `${service}/${method}` }, 'handler failed');
      fail(grpcError);
    } finally {
      span.finish(code, details);
      const labels = { service, method, code: GrpcStatus[code] };
      metrics.grpcHandled.inc(labels);
      stopTimer({ code: GrpcStatus[code] });
    }
  }

  private wrap(route: RpcRoute<Perm>, handler: UnaryHandler<unknown, unknown, P, Tx>) {
    return async (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      await this.observe(
        route,
        call.metadata,
        async () => {
          const ctx = await this.callContext(call, route);
          callback(null, await this.run(route, ctx, (context) => handler(call.request, context)));
        },
        (error) => callback(error),
      );
    };
  }

  private wrapClientStream(route: RpcRoute<Perm>, handler: ClientStreamHandler<unknown, unknown, P, Tx>) {
    return async (call: ServerReadableStream<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      await this.observe(
        route,
        call.metadata,
        async () => {
          const ctx = await this.callContext(call, route);
          callback(null, await handler(call, ctx));
        },
        (error) => callback(error),
      );
    };
  }

  private wrapServerStream(route: RpcRoute<Perm>, handler: ServerStreamHandler<unknown, unknown, P, Tx>) {
    return async (call: ServerWritableStream<unknown, unknown>) => {
      await this.observe(
        route,
        call.metadata,
        async () => {
          const ctx = await this.callContext(call, route);
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
