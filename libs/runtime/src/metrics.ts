import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// RED metrics (rate, errors, duration) for every way work enters or leaves a service.
// Kafka metrics live in @liaison/events and register on the same registry.

const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  grpcHandled: Counter<'service' | 'method' | 'code'>;
  grpcDuration: Histogram<'service' | 'method' | 'code'>;
  grpcClientHandled: Counter<'service' | 'method' | 'code'>;
  grpcClientDuration: Histogram<'service' | 'method' | 'code'>;
  dbQueries: Counter<'operation' | 'outcome'>;
  dbDuration: Histogram<'operation' | 'outcome'>;
}

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_server_requests_total',
      help: 'HTTP requests handled',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_server_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    grpcHandled: new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls handled',
      labelNames: ['service', 'method', 'code'],
      registers,
    }),
    grpcDuration: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC call duration',
      labelNames: ['service', 'method', 'code'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    grpcClientHandled: new Counter({
      name: 'grpc_client_handled_total',
      help: 'gRPC client calls completed',
      labelNames: ['service', 'method', 'code'],
      registers,
    }),
    grpcClientDuration: new Histogram({
      name: 'grpc_client_handling_seconds',
      help: 'gRPC client call duration',
      labelNames: ['service', 'method', 'code'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    dbQueries: new Counter({ name: 'db_client_queries_total', help: 'Database queries', labelNames: ['operation', 'outcome'], registers }),
    dbDuration: new Histogram({
      name: 'db_client_query_seconds',
      help: 'Database query duration',
      labelNames: ['operation', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
  };
}
