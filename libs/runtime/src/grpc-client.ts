import {
  credentials,
  InterceptingCall,
  type CallOptions,
  type ChannelOptions,
  type Interceptor,
  Metadata,
  type ServiceError,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { fromGrpcError } from './errors';
import type { ServiceMetrics } from './metrics';
import { rpcClientSpan } from './tracing';

export interface GrpcClientOptions {
  /** Fully qualified service name, e.g. liaison.customer.v1.CustomerService (for retry policy and metrics). */
  serviceName: string;
  /** Methods safe to repeat (reads): only these are retried on UNAVAILABLE. */
  idempotentMethods: string[];
  /** Deadline applied to every call that does not set its own. */
  deadlineMs?: number;
  metrics?: ServiceMetrics;
}

type ClientConstructor<C> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: Partial<ChannelOptions>,
) => C;

/**
 * Creates a grpc-js client with a default deadline on every call, a client span carrying the
 * trace to the server, metrics, and transparent retries (with backoff) limited to idempotent
 * methods: a retried write could apply twice.
 */
export function createGrpcClient<C>(Client: ClientConstructor<C>, address: string, options: GrpcClientOptions): C {
  const serviceConfig = {
    methodConfig: [
      {
        name: options.idempotentMethods.map((method) => ({ service: options.serviceName, method })),
        retryPolicy: {
          maxAttempts: 3,
          initialBackoff: '0.1s',
          maxBackoff: '1s',
          backoffMultiplier: 2,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
  return new Client(address, credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': 1,
    'grpc.keepalive_time_ms': 30_000,
    'interceptors': [
      deadlineInterceptor(options.deadlineMs ?? 5000),
      traceInterceptor,
      ...(options.metrics ? [metricsInterceptor(options.metrics)] : []),
    ],
  } as Partial<ChannelOptions>);
}

function deadlineInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) => {
    const deadline = options.deadline ?? Date.now() + deadlineMs;
    return new InterceptingCall(nextCall({ ...options, deadline }));
  };
}

const traceInterceptor: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      const finish = rpcClientSpan(options.method_definition.path, metadata);
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          finish(status.code, status.details);
          nextStatus(status);
        },
      });
    },
  });

function metricsInterceptor(metrics: ServiceMetrics): Interceptor {
  return (options, nextCall) => {
    const [, service, method] = options.method_definition.path.split('/');
    const stopTimer = metrics.grpcClientDuration.startTimer({ service, method });
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            const code = GrpcStatus[status.code];
            metrics.grpcClientHandled.inc({ service, method, code });
            stopTimer({ code });
            nextStatus(status);
          },
        });
      },
    });
  };
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Promise form of a generated unary method; failures come back as AppError with the server's code. */
export function unary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  metadata = new Metadata(),
  options: Partial<CallOptions> = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => (error ? reject(fromGrpcError(error)) : resolve(response)));
  });
}

interface HealthCheckClient {
  check(
    request: { service: string },
    options: Partial<CallOptions>,
    callback: (error: ServiceError | null, response?: { status?: string }) => void,
  ): void;
  close(): void;
}

let healthClientConstructor: (new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthCheckClient) | undefined;

function healthClientClass() {
  if (!healthClientConstructor) {
    // Loaded lazily: only processes that probe others (the gateway) need the health proto.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadPackageDefinition } = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadSync } = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { protoPath } = require('grpc-health-check') as { protoPath: string };
    const definition = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: typeof healthClientConstructor } } };
    };
    healthClientConstructor = definition.grpc.health.v1.Health;
  }
  return healthClientConstructor!;
}

/** A readiness check of a gRPC dependency over grpc.health.v1: resolves when it reports SERVING. */
export function grpcHealthCheck(address: string, service = '', timeoutMs = 1000): () => Promise<void> {
  const Health = healthClientClass();
  const client = new Health(address, credentials.createInsecure());
  return () =>
    new Promise((resolve, reject) => {
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error) return reject(new Error(`${address}: ${error.details || error.message}`));
        if (response?.status !== 'SERVING') return reject(new Error(`${address}: ${response?.status}`));
        resolve();
      });
    });
}
