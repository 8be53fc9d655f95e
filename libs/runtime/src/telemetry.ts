// Loaded before anything else in a service's entry (see services/*/src/instrument.ts), so the
// instrumentations can patch http, express, grpc-js and pg as they are first required. Must not
// import anything else of the runtime library for the same reason.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { AlwaysOffSampler, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | undefined;

// With no exporter the SDK would install no tracer provider at all, and every trace id would be
// zeros. A processor that drops finished spans keeps real, propagating ids at almost no cost.
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

/**
 * Starts tracing. With OTEL_EXPORTER=none spans are not recorded (a sampler that samples none),
 * but trace ids still exist and propagate over HTTP, gRPC and Kafka headers and appear in logs.
 *
 * Only the instrumentations that carry a trace from process to process are on: HTTP (the
 * gateway's requests, W3C trace context in and out) and gRPC (between the gateway and the
 * services); libs/events carries it over Kafka. A span per Express middleware and per SQL
 * statement cost the gateway a third of its throughput (measured, scripts/bench); they are for
 * debugging: OTEL_DETAILED_SPANS=true adds them.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  // Metrics go to Prometheus (prom-client) and logs to stdout (pino). Left unset, the SDK would
  // also start OTLP metric and log exporters that retry against a missing collector at shutdown.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const exporter =
    env.OTEL_EXPORTER === 'otlp'
      ? new OTLPTraceExporter({ url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318'}/v1/traces` })
      : undefined;
  const detailed = env.OTEL_DETAILED_SPANS === 'true';
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [exporter ? new BatchSpanProcessor(exporter) : dropSpans],
    ...(exporter ? {} : { sampler: new AlwaysOffSampler() }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)/.test(req.url ?? '') }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      ...(detailed ? [new ExpressInstrumentation(), new PgInstrumentation()] : []),
    ],
  });
  sdk.start();
}

/** Flushes pending spans; part of graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/**
 * The entry of a service process: tracing first (it must patch http, grpc-js and pg before they
 * load), then the service, loaded lazily by `start`; a failed start exits with status 1.
 * A service's main.ts is this one call: `serviceMain('customer', () => import('./app').then((app) => app.start()))`.
 */
export function serviceMain(serviceName: string, start: () => Promise<unknown>): void {
  startTelemetry(process.env.SERVICE_NAME || serviceName);
  start().catch((error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `${serviceName} failed to start`, err: String(error) })}\n`);
    process.exit(1);
  });
}
