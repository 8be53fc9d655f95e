// Loaded before anything else in a service's entry (see services/*/src/instrument.ts), so the
// debugging instrumentations (OTEL_DETAILED_SPANS) can patch express and pg as they are first
// required. Must not import anything else of the runtime library for the same reason.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { AlwaysOffSampler, BatchSpanProcessor, ParentBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
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
 * Starts tracing: the SDK with W3C trace context and the export of spans (OTLP or none).
 *
 * The spans that carry a trace between processes are made by libs/runtime itself (tracing.ts:
 * the gateway's HTTP server span, gRPC client and server spans) and libs/events (Kafka), not by
 * auto-instrumentations: patching http and grpc-js took about a tenth of the gateway's CPU in a
 * profile of scripts/bench/gateway-customers. Spans per Express middleware and per SQL statement are for
 * debugging: OTEL_DETAILED_SPANS=true adds them.
 *
 * With OTEL_EXPORTER=none a span is recorded only when the caller asked for it (a sampled
 * traceparent), so that the sampled flag travels on; trace ids exist and propagate either way
 * and appear in logs, answers and events.
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
    ...(exporter ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
    instrumentations: detailed ? [new ExpressInstrumentation(), new PgInstrumentation()] : [],
  });
  sdk.start();
}

/** Flushes pending spans; part of graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/**
 * The entry of a service process: tracing first (its context manager, and the debugging
 * instrumentations when asked for, must be in place before the service's modules load), then
 * the service, loaded lazily by `start`; a failed start exits with status 1.
 * A service's main.ts is this one call: `serviceMain('customer', () => import('./app').then((app) => app.start()))`.
 */
export function serviceMain(serviceName: string, start: () => Promise<unknown>): void {
  startTelemetry(process.env.SERVICE_NAME || serviceName);
  start().catch((error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `${serviceName} failed to start`, err: String(error) })}\n`);
    process.exit(1);
  });
}
